import { Module } from '@nestjs/common';
import { WallKeysController } from './wall-keys.controller';
import { WallKeysService } from './wall-keys.service';

@Module({ controllers: [WallKeysController], providers: [WallKeysService], exports: [WallKeysService] })
export class WallKeysModule {}
