import { Module } from '@nestjs/common';
import { QueueEventsController } from '../controllers/queue-events.controller';
import { QueueEventsRepository } from '../repositories/queue-events.repository';
import { QueueEventsService } from '../services/queue-events.service';

@Module({ controllers: [QueueEventsController], providers: [QueueEventsService, QueueEventsRepository] })
export class QueueEventsModule {}
