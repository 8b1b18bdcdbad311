import { ArrayMaxSize, IsArray } from 'class-validator';

/** Rows are validated one by one by CasesService, so one bad row never rejects the batch. */
export class CaseBatchDto {
  @IsArray() @ArrayMaxSize(5000) cases: unknown[];
}
