import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { LiveController } from './live.controller';
import { LiveEventsService } from './live-events.service';

@Module({ imports: [AuthModule], controllers: [LiveController], providers: [LiveEventsService] })
export class LiveModule {}
