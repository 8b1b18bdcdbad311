import { Module } from '@nestjs/common';
import { CasesController } from '../controllers/cases.controller';
import { CasesService } from '../services/cases.service';

@Module({ controllers: [CasesController], providers: [CasesService] })
export class CasesModule {}
