import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsId, IsInstant, IsPlainText, IsText, NAME_MAX } from './ids';

/** 24-hour complaint line (热线), supervision card (意见卡), online, the bureau's own inspection. */
export const COMPLAINT_CHANNELS = ['hotline', 'card', 'online', 'inspection'] as const;
export type ComplaintChannel = (typeof COMPLAINT_CHANNELS)[number];

/** true: verified against the person or window; false: found groundless; pending: not yet checked. */
export const COMPLAINT_VERIFIED = [true, false, 'pending'] as const;
export type ComplaintVerified = (typeof COMPLAINT_VERIFIED)[number];

/**
 * One complaint (投诉), in POST /api/complaints and imported CSV rows. Only verified ones weigh on
 * the evaluation; the others are counted apart. Without a windowId it belongs to no hall.
 */
export class ComplaintMessage {
  /**
   * Natural key: importing the same complaint again changes nothing; with other fields it is a
   * new version, where the writer may make it (complaintChangeRefusal: only the bureau verifies).
   */
  @IsId() id: string;
  @IsInstant() receivedAt: string;
  @IsIn(COMPLAINT_CHANNELS) channel: ComplaintChannel;
  @IsOptional() @IsId() windowId?: string;
  @IsOptional() @IsId() staffId?: string;
  /** The case complained about, when known. */
  @IsOptional() @IsId() caseId?: string;
  @IsText(NAME_MAX) category: string;
  @IsIn(COMPLAINT_VERIFIED, { message: 'verified must be true, false or "pending"' }) verified: ComplaintVerified;
  @IsOptional() @IsString() @MaxLength(2000) @IsPlainText() outcome?: string;
}

/** One stored version of a complaint: its fields as they were, who submitted them and when. */
export interface ComplaintVersion extends Omit<ComplaintMessage, 'id'> {
  version: number;
  submittedBy: string;
  submittedAt: string;
}

/** GET /api/complaints/:id: the current fields (the last version's) and every version, oldest first. */
export interface ComplaintRecord extends ComplaintMessage {
  /** Of its window; absent without one. */
  hallId?: string;
  version: number;
  submittedBy: string;
  submittedAt: string;
  versions: ComplaintVersion[];
}

/**
 * Who may file a complaint without a window: it belongs to no hall, so only a caller limited to no
 * halls (an admin: `halls` undefined). The refusal, or undefined when it may be filed.
 */
export function windowlessComplaintRefusal(halls: readonly string[] | undefined): string | undefined {
  return halls ? 'windowId: a complaint without a window may be filed by an admin only' : undefined;
}
