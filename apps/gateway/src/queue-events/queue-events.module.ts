import { Module } from '@nestjs/common';
import { QueueEventsController } from './queue-events.controller';
import { QueueEventsRepository } from './queue-events.repository';
import { QueueEventsService } from './queue-events.service';

@Module({ controllers: [QueueEventsController], providers: [QueueEventsService, QueueEventsRepository] })
export class QueueEventsModule {}
