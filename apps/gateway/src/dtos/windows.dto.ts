import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId, PRESENCE_STATES, type LiveWindowState, type PresenceState } from '@hallwatch/contracts';

export class LiveWindowsQueryDto {
  @ApiPropertyOptional({ description: 'only this hall' })
  @IsOptional()
  @IsId()
  hall?: string;
}

export class LiveWindowDto implements LiveWindowState {
  @ApiProperty() windowId: string;
  @ApiProperty() hallId: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: PRESENCE_STATES }) state: PresenceState;
  @ApiProperty({
    description: 'capture time at which the state began (ISO 8601); null before the first frame',
    nullable: true,
    type: String,
  })
  since: string | null;
}
