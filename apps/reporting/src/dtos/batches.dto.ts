import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN, IsWriter, Writer } from '@hallwatch/contracts';

/**
 * A batch from the gateway. Its rows are validated one by one by their service, so one bad row
 * never rejects the batch; `halls` is the caller's (a hall manager's), undefined = every hall,
 * checked against the stored rows too; `by` is the signed-in user who submits it, recorded with
 * every row stored.
 */
abstract class HallScopedBatchDto {
  @IsOptional() @IsArray() @Matches(ID_PATTERN, { each: true }) halls?: string[];
  @IsWriter() by: Writer;
}

export class CaseBatchDto extends HallScopedBatchDto {
  @IsArray() @ArrayMaxSize(5000) cases: unknown[];
}

export class LeaveBatchDto extends HallScopedBatchDto {
  @IsArray() @ArrayMaxSize(5000) leaves: unknown[];
}

export class ComplaintBatchDto extends HallScopedBatchDto {
  @IsArray() @ArrayMaxSize(5000) complaints: unknown[];
}
