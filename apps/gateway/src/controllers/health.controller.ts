import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HealthService } from '../services/health.service';

@ApiTags('health')
@ApiBearerAuth()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** NATS and, per service, every instance that answers: whether it reaches its database, inference's halls, ingestion's cameras. */
  @Get()
  check() {
    return this.health.check();
  }
}
