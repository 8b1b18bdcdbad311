import { Module } from '@nestjs/common';
import { RectificationsController } from '../controllers/rectifications.controller';
import { RectificationsService } from '../services/rectifications.service';

@Module({ controllers: [RectificationsController], providers: [RectificationsService] })
export class RectificationsModule {}
