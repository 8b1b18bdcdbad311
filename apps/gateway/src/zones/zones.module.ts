import { Module } from '@nestjs/common';
import { CamerasModule } from '../cameras/cameras.module';
import { ZonesController } from './zones.controller';
import { ZonesService } from './zones.service';

@Module({ imports: [CamerasModule], controllers: [ZonesController], providers: [ZonesService] })
export class ZonesModule {}
