import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN } from '@hallwatch/contracts';

/** Rows are validated one by one by LeavesService, so one bad row never rejects the batch. */
export class LeaveBatchDto {
  @IsArray() @ArrayMaxSize(5000) leaves: unknown[];
  /** The caller's halls (a hall manager's); undefined = every hall. */
  @IsOptional() @IsArray() @Matches(ID_PATTERN, { each: true }) halls?: string[];
}
