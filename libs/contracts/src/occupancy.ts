import { IsArray, IsInt, IsOptional, Min, ValidateIf } from 'class-validator';
import { IsCalendarDate, IsId, IsInstant } from './ids';

/**
 * hallwatch.hall.<hallId>.waiting (JetStream stream OCCUPANCY): a hall's persons waiting (its waiting
 * zones and counter zones) from `at` on, published by the hall's judge when it changes and at least
 * every minute while it judges the hall. Reporting folds it into the `waitingCount` series.
 */
export class WaitingCountMessage {
  @IsId() hallId: string;
  /** The hall's capture-clock time the count holds from. */
  @IsInstant() at: string;
  /** Persons counted; null when not known (a counting zone without a fresh frame): never published as 0. */
  @ValidateIf((m: WaitingCountMessage) => m.waiting !== null)
  @IsInt()
  @Min(0)
  waiting: number | null;
}

/** Its Nats-Msg-Id: one sample per hall and instant. */
export function waitingCountId(hallId: string, at: number): string {
  return `waiting:${hallId}:${at}`;
}

/** Payload of ReportingRequests.waiting: the local dates `from`..`to`, only these halls (undefined: every hall). */
export class WaitingQuery {
  @IsCalendarDate() from: string;
  @IsCalendarDate() to: string;
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
}

/** One local hour of a hall's persons waiting, over the minutes its count was known. */
export interface WaitingHourRow {
  hallId: string;
  /** The hour's first instant. */
  hour: string;
  /** Time-weighted mean over `knownMinutes`; null when nothing was known. */
  meanWaiting: number | null;
  peakWaiting: number | null;
  knownMinutes: number;
}

/** The reply of ReportingRequests.waiting: the `waitingCount` series, by hall then hour. */
export interface WaitingSeries {
  rows: WaitingHourRow[];
}
