import { Module } from '@nestjs/common';
import { ImportsController } from '../controllers/imports.controller';
import { CasesService } from '../services/cases.service';
import { ComplaintsService } from '../services/complaints.service';
import { ImportsService } from '../services/imports.service';
import { LeavesService } from '../services/leaves.service';

@Module({ controllers: [ImportsController], providers: [ImportsService, CasesService, LeavesService, ComplaintsService] })
export class ImportsModule {}
