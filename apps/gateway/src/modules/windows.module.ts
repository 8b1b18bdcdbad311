import { Module } from '@nestjs/common';
import { WindowsController } from '../controllers/windows.controller';
import { WindowsService } from '../services/windows.service';

@Module({ controllers: [WindowsController], providers: [WindowsService] })
export class WindowsModule {}
