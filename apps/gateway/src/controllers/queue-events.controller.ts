import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../middleware/auth.decorators';
import type { AuthUser } from '../dtos/auth.types';
import { QueueEventBatchDto } from '../dtos/queue-events.dto';
import { QueueEventsService } from '../services/queue-events.service';

@ApiTags('queue-events')
@ApiBearerAuth()
@Controller('queue-events')
export class QueueEventsController {
  constructor(private readonly events: QueueEventsService) {}

  /** Session events of the queue system (排队叫号); answers per row (accepted, or rejected with the reason). */
  @Post()
  @HttpCode(200)
  @Roles('admin', 'hall_manager')
  publish(@CurrentUser() user: AuthUser, @Body() body: QueueEventBatchDto) {
    return this.events.publish(user, body.events);
  }
}
