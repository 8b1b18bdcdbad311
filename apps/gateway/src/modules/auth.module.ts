import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AuthController } from '../controllers/auth.controller';
import { AuthGuard } from '../middleware/auth.guard';
import { AuthService } from '../services/auth.service';
import { TokenRevocations } from '../repositories/token-revocations';
import { WallKeysModule } from './wall-keys.module';

@Module({
  // The key is AuthService's (it also keys the token versions), given on each sign and verify.
  imports: [JwtModule.register({}), WallKeysModule],
  controllers: [AuthController],
  providers: [AuthService, TokenRevocations, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
