import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN } from '@hallwatch/contracts';

/** Rows are validated one by one by ComplaintsService, so one bad row never rejects the batch. */
export class ComplaintBatchDto {
  @IsArray() @ArrayMaxSize(5000) complaints: unknown[];
  /** The caller's halls (a hall manager's); undefined = every hall. Checked against stored complaints too. */
  @IsOptional() @IsArray() @Matches(ID_PATTERN, { each: true }) halls?: string[];
}
