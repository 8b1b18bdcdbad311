import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import type { Role } from '@hallwatch/config';
import { USER_ROLES, IsText } from '@hallwatch/contracts';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsText(100)
  username: string;

  @ApiProperty({ example: 'hallwatch-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  password: string;
}

export class TokenDto {
  @ApiProperty() accessToken: string;
  @ApiProperty() expiresIn: number;
  @ApiProperty({ enum: USER_ROLES }) role: Role;
  @ApiProperty({ type: [String] }) halls: string[];
}
