import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsIn, MaxLength } from 'class-validator';

/** What an export holds: cases (queue or approval system), leaves and duty changes, complaints. */
export const IMPORT_KINDS = ['cases', 'leaves', 'complaints'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export class ImportParamsDto {
  @ApiProperty({ enum: IMPORT_KINDS })
  @IsIn(IMPORT_KINDS)
  kind: ImportKind;
}

export class CsvImportDto {
  @ApiProperty({
    description:
      'the CSV file as exported, base64: UTF-8 (with or without BOM) or GB18030/GBK, a header row with the columns `hallwatch import <kind>` reads',
  })
  @IsBase64()
  // Under the JSON body limit (8 MB) with room for the envelope.
  @MaxLength(8_000_000)
  file: string;
}

/** One record of the file: taken, or refused with the reason. */
export class CsvRowResultDto {
  @ApiProperty({ description: 'the line of the file the record starts on (the header is line 1)' }) line: number;
  @ApiPropertyOptional({ description: 'the row’s id (caseId for cases)' }) id?: string;
  @ApiProperty() accepted: boolean;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional({ description: 'accepted, but something in the row was ignored' }) warning?: string;
}

export class CsvImportResultDto {
  @ApiProperty({ enum: ['utf-8', 'gb18030'], description: 'how the file was read' }) encoding: 'utf-8' | 'gb18030';
  @ApiProperty() accepted: number;
  @ApiProperty() rejected: number;
  @ApiProperty({ type: [CsvRowResultDto], description: 'every record, in file order' }) rows: CsvRowResultDto[];
}
