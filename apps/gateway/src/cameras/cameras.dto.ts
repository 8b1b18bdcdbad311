import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { ID_PATTERN } from '@hallwatch/contracts';

export class CameraParamsDto {
  @ApiProperty()
  @Matches(ID_PATTERN, { message: 'id must be a camera id' })
  id: string;
}
