import { Module } from '@nestjs/common';
import { AuthModule } from './auth.module';
import { LiveController } from '../controllers/live.controller';
import { LiveEventsService } from '../services/live-events.service';

@Module({ imports: [AuthModule], controllers: [LiveController], providers: [LiveEventsService] })
export class LiveModule {}
