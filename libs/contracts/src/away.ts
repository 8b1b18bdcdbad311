import { IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { After } from './cases';
import { IsId, IsInstant, IsReason, IsText, NAME_MAX } from './ids';
import { IsWriter, Writer } from './provenance';

/** The body of POST /api/windows/:id/away: why, and for how many minutes from now (at most rules.awayMax). */
export class AwayBody {
  @IsReason() reason: string;
  @IsInt() @Min(1) @Max(1440) minutes: number;
}

/** Payload of ReportingRequests.declareAway: the signed-in user (halls: a hall manager's) declares a window away from now. */
export class AwayRequest extends AwayBody {
  @IsId() windowId: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
  @IsWriter() by: Writer;
}

/** Who declared a 暂离: a user in the console or through the API, or the queue system's pause with a reason. */
export const AWAY_SOURCES = ['api', 'queue'] as const;
export type AwaySource = (typeof AWAY_SOURCES)[number];

/**
 * hallwatch.window.<windowId>.away (JetStream stream AWAY), and the answer of POST /api/windows/:id/away:
 * a 暂离 declaration as reporting recorded it (within rules.awayMax and rules.awayPerDayMax), with who
 * declared it and when. Inference, the hall's judge, counts an absence inside it as declared.
 */
export class AwayDeclarationMessage {
  /** `away:<windowId>:<from ms>`, also its Nats-Msg-Id. */
  @IsText(NAME_MAX) id: string;
  @IsId() windowId: string;
  @IsId() hallId: string;
  @IsInstant() from: string;
  @IsInstant() @After('from') to: string;
  @IsReason() reason: string;
  @IsIn(AWAY_SOURCES) source: AwaySource;
  @IsText(NAME_MAX) submittedBy: string;
  @IsInstant() submittedAt: string;
}

export function awayId(windowId: string, from: number): string {
  return `away:${windowId}:${from}`;
}

/** Payload of ReportingRequests.activeAway: the declarations going on at `at` in these halls (undefined: every hall). */
export class ActiveAwayRequest {
  @IsInstant() at: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}
