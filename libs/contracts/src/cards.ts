import { IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CARD_COLORS, CASE_STATUSES, type CardColor, type CaseStatus } from '@hallwatch/domain';
import { IsId, IsInstant, IsText, NAME_MAX } from './ids';
import { NotBefore } from './cases';

export { CARD_COLORS } from '@hallwatch/domain';
export type { CardColor } from '@hallwatch/domain';

/**
 * A yellow or red card (红黄牌) of a case in flight, issued once per case and color by reporting:
 * stored, published on hallwatch.supervision.card (message id `card:<caseId>:<color>`) and listed
 * by GET /api/cards. It names the case, window, staff, department and hall as they were when issued.
 */
export class CardMessage {
  @IsId() caseId: string;
  /** yellow: still open at supervision.yellowBefore before its deadline; red: still open past it. */
  @IsIn(CARD_COLORS) color: CardColor;
  /** When the case crossed the threshold: its yellow point, or its deadline (both moved by suspensions). */
  @IsInstant() at: string;
  /** When reporting issued the card (at once, or at its next periodic check). */
  @IsInstant() issuedAt: string;
  /** The deadline as suspensions moved it, when the card was issued. */
  @IsInstant() deadline: string;
  @IsId() windowId: string;
  @IsId() hallId: string;
  @IsString() @MinLength(1) @MaxLength(200) department: string;
  @IsOptional() @IsId() staffId?: string;
  @IsText(NAME_MAX) serviceItem: string;
  /** The case's status and stage when the card was issued. */
  @IsIn(CASE_STATUSES) status: CaseStatus;
  @IsOptional() @IsString() @MaxLength(200) stage?: string;
}

/** Payload of ReportingRequests.cards: cards whose `at` is within [from, to), of `halls` (undefined = every hall), of one color. */
export class CardQuery {
  @IsOptional() @IsInstant() from?: string;
  @IsOptional() @IsInstant() @NotBefore('from') to?: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
  @IsOptional() @IsIn(CARD_COLORS) color?: CardColor;
}

/** Days a card list covers before `to` (or now) when it names no `from`. */
export const CARD_DEFAULT_PERIOD_DAYS = 30;
