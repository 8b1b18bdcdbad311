import { ArrayMaxSize, IsArray, IsOptional, Matches } from 'class-validator';
import { ID_PATTERN } from '@hallwatch/contracts';

/**
 * A batch from the gateway. Its rows are validated one by one by their service, so one bad row
 * never rejects the batch; `halls` is the caller's (a hall manager's), undefined = every hall,
 * checked against the stored rows too.
 */
abstract class HallScopedBatchDto {
  @IsOptional() @IsArray() @Matches(ID_PATTERN, { each: true }) halls?: string[];
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
