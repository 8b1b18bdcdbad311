import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HealthService } from '../services/health.service';

@ApiTags('health')
@ApiBearerAuth()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** NATS and, per service, whether it answers and reaches its database. */
  @Get()
  check() {
    return this.health.check();
  }
}
