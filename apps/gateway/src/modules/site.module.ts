import { Module } from '@nestjs/common';
import { SiteController } from '../controllers/site.controller';
import { SiteService } from '../services/site.service';

@Module({ controllers: [SiteController], providers: [SiteService] })
export class SiteModule {}
