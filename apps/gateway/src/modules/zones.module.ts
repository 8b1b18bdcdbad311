import { Module } from '@nestjs/common';
import { CamerasModule } from './cameras.module';
import { ZonesController } from '../controllers/zones.controller';
import { ZonesService } from '../services/zones.service';

@Module({ imports: [CamerasModule], controllers: [ZonesController], providers: [ZonesService] })
export class ZonesModule {}
