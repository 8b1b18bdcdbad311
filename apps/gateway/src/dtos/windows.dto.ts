import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  AWAY_SOURCES,
  IsId,
  IsReason,
  PRESENCE_STATES,
  type AwayBody,
  type AwayDeclarationMessage,
  type AwaySource,
  type LiveWindowState,
  type PresenceState,
} from '@hallwatch/contracts';

export class LiveWindowsQueryDto {
  @ApiPropertyOptional({ description: 'only this hall' })
  @IsOptional()
  @IsId()
  hall?: string;
}

/** The window of a path. */
export class WindowParamsDto {
  @ApiProperty()
  @IsId()
  id: string;
}

export class AwayBodyDto implements AwayBody {
  @ApiProperty({ description: 'why the window is away (e.g. 取材料, 如厕)', maxLength: 2000 })
  @IsReason()
  reason: string;
  @ApiProperty({
    description: 'for how many minutes from now; at most rules.awayMax (default 15), rules.awayPerDayMax (default 60) a day',
    minimum: 1,
  })
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes: number;
}

/** A 暂离 declaration as recorded: who declared it, when and why. */
export class AwayDeclarationDto implements AwayDeclarationMessage {
  @ApiProperty() id: string;
  @ApiProperty() windowId: string;
  @ApiProperty() hallId: string;
  @ApiProperty({ description: 'ISO 8601' }) from: string;
  @ApiProperty({ description: 'ISO 8601; an absence until then is declared, past it counts from then' }) to: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: AWAY_SOURCES, description: "api: a signed-in user; queue: a queue system's pause with a reason" })
  source: AwaySource;
  @ApiProperty() submittedBy: string;
  @ApiProperty({ description: 'ISO 8601' }) submittedAt: string;
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
  @ApiPropertyOptional({ type: AwayDeclarationDto, description: 'the 暂离 going on now, if any' })
  away?: AwayDeclarationDto;
}
