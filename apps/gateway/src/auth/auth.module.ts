import { randomBytes } from 'node:crypto';
import { Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { SERVICE_CONTEXT, ServiceContext } from '@hallwatch/runtime';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [SERVICE_CONTEXT],
      useFactory: (ctx: ServiceContext) => {
        if (!ctx.env.jwtSecret) {
          new Logger('AuthModule').warn('HALLWATCH_JWT_SECRET is unset: tokens are signed with a random key and end with this process');
        }
        return { secret: ctx.env.jwtSecret ?? randomBytes(32).toString('hex'), signOptions: { algorithm: 'HS256' } };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
