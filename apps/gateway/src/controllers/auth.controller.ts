import { Body, Controller, HttpCode, Ip, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentToken, CurrentUser, Public } from '../middleware/auth.decorators';
import { LoginDto, TokenDto } from '../dtos/auth.dto';
import { AuthService } from '../services/auth.service';
import type { AuthToken, AuthUser } from '../dtos/auth.types';
import { SignInLockedException } from '../utils/sign-in-throttle';

/** The part of the HTTP response the controller touches. */
type Response = { setHeader(name: string, value: string): unknown };

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenDto })
  @ApiTooManyRequestsResponse({ description: 'too many attempts for this account or address: wait Retry-After seconds' })
  async login(@Body() dto: LoginDto, @Ip() address: string, @Res({ passthrough: true }) res: Response): Promise<TokenDto> {
    try {
      return await this.auth.login(dto.username, dto.password, address);
    } catch (err) {
      if (err instanceof SignInLockedException) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw err;
    }
  }

  /** Revokes the caller's token on every gateway; signing in again gives a new one. */
  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'the token is revoked' })
  logout(@CurrentUser() user: AuthUser, @CurrentToken() token: AuthToken): Promise<void> {
    return this.auth.logout(user, token);
  }
}
