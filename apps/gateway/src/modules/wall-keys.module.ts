import { Module } from '@nestjs/common';
import { WallKeysController } from '../controllers/wall-keys.controller';
import { WallKeysService } from '../services/wall-keys.service';

@Module({ controllers: [WallKeysController], providers: [WallKeysService], exports: [WallKeysService] })
export class WallKeysModule {}
