import { Module } from '@nestjs/common';
import { IncidentsController } from '../controllers/incidents.controller';
import { IncidentsService } from '../services/incidents.service';

@Module({ controllers: [IncidentsController], providers: [IncidentsService] })
export class IncidentsModule {}
