import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches } from 'class-validator';
import { IsId, IsText } from '@hallwatch/contracts';

export class IssueWallKeyDto {
  @ApiProperty({ description: 'what the screen is, e.g. 一楼大厅大屏' })
  @IsText(100)
  label: string;

  @ApiProperty({ description: 'the halls the screen shows (hall ids of the site file)', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsId({ each: true })
  halls: string[];
}

export class WallKeyDto {
  @ApiProperty() id: string;
  @ApiProperty() label: string;
  @ApiProperty({ type: [String] }) halls: string[];
  @ApiProperty({ description: 'the admin who issued it' }) createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ description: 'the admin who revoked it' }) revokedBy?: string;
  @ApiPropertyOptional() revokedAt?: string;
}

export class IssuedWallKeyDto extends WallKeyDto {
  @ApiProperty({ description: 'the key, shown this once: open the screen at /wall?key=<key>' })
  key: string;
}

export class WallKeyParamsDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[0-9a-f]{12}$/, { message: 'id must be a wall key id (12 hex digits)' })
  id: string;
}
