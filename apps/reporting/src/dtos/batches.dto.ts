import { IsArray, IsOptional } from 'class-validator';
import { IsId, IsRows, IsWriter, Writer } from '@hallwatch/contracts';

/**
 * A batch from the gateway. Its rows are validated one by one by their service, so one bad row
 * never rejects the batch; `halls` is the caller's (a hall manager's), undefined = every hall,
 * checked against the stored rows too; `by` is the signed-in user who submits it, recorded with
 * every row stored.
 */
abstract class HallScopedBatchDto {
  @IsOptional() @IsArray() @IsId({ each: true }) halls?: string[];
  @IsWriter() by: Writer;
}

export class CaseBatchDto extends HallScopedBatchDto {
  @IsRows() cases: unknown[];
}

export class LeaveBatchDto extends HallScopedBatchDto {
  @IsRows() leaves: unknown[];
}

export class ComplaintBatchDto extends HallScopedBatchDto {
  @IsRows() complaints: unknown[];
}
