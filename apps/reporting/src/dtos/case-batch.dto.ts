import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN } from '@hallwatch/contracts';

/** Rows are validated one by one by CasesService, so one bad row never rejects the batch. */
export class CaseBatchDto {
  @IsArray() @ArrayMaxSize(5000) cases: unknown[];
  /** The caller's halls (a hall manager's); undefined = every hall. Checked against stored cases too. */
  @IsOptional() @IsArray() @Matches(ID_PATTERN, { each: true }) halls?: string[];
}
