import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId, type LiveHallState } from '@hallwatch/contracts';

export class LiveHallsQueryDto {
  @ApiPropertyOptional({ description: 'only this hall' })
  @IsOptional()
  @IsId()
  hall?: string;
}

export class WindowWaitingDto {
  @ApiProperty() windowId: string;
  @ApiProperty({ description: "persons in the window's counter zone" }) persons: number;
  @ApiProperty({ description: 'since when someone has been there without a break (ISO 8601)' }) since: string;
}

export class LiveHallDto implements LiveHallState {
  @ApiProperty() hallId: string;
  @ApiProperty({
    description: 'persons in the waiting zones and counter zones; null when not known (no counting zones, or no fresh frame of them)',
    nullable: true,
    type: Number,
  })
  waiting: number | null;
  @ApiProperty({
    description: 'since when someone has been waiting without a break (ISO 8601); null while nobody is',
    nullable: true,
    type: String,
  })
  waitingSince: string | null;
  @ApiProperty({ description: 'capture time of the newest count (ISO 8601); null when not known', nullable: true, type: String })
  at: string | null;
  @ApiProperty({ description: 'windows staffed now' }) staffedWindows: number;
  @ApiProperty({ description: "the hall's minStaffedWindows" }) minStaffedWindows: number;
  @ApiProperty({ type: [WindowWaitingDto], description: 'windows whose counter zone holds someone, longest waiting first' })
  windowsWaiting: WindowWaitingDto[];
}
