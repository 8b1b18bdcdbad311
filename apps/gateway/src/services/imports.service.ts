import { BadRequestException, Injectable } from '@nestjs/common';
import type { BatchResult, RowResult } from '@hallwatch/contracts';
import {
  caseRowFromCsvRecord,
  complaintRowFromCsvRecord,
  CsvFileError,
  exportRows,
  leaveRowFromCsvRecord,
  parseCaseCsv,
  parseComplaintCsv,
  parseLeaveCsv,
  type CaseCsvRecord,
  type CsvEncoding,
} from '@hallwatch/stats';
import { AuthUser } from '../dtos/auth.types';
import type { CsvImportResultDto, CsvRowResultDto, ImportKind } from '../dtos/imports.dto';
import { CasesService } from './cases.service';
import { ComplaintsService } from './complaints.service';
import { LeavesService } from './leaves.service';

/** How one kind of export is read and stored: the readers of `hallwatch import`, the batch endpoints' services. */
interface Reader {
  parse(bytes: Uint8Array): { encoding: CsvEncoding; records: CaseCsvRecord[] };
  idKey: string;
  rowOf(cells: Record<string, string>): Record<string, unknown>;
  store(user: AuthUser, rows: Record<string, unknown>[]): Promise<BatchResult<Omit<RowResult, 'id'>>>;
}

/**
 * A CSV export uploaded from the console, read as `hallwatch import` reads the file and stored as
 * POST /api/cases, /api/leaves or /api/complaints store their rows (same checks, same halls, the
 * caller as the writer: a hall manager's leaves wait for approval).
 */
@Injectable()
export class ImportsService {
  private readonly readers: Record<ImportKind, Reader>;

  constructor(cases: CasesService, leaves: LeavesService, complaints: ComplaintsService) {
    this.readers = {
      cases: { parse: parseCaseCsv, idKey: 'caseId', rowOf: caseRowFromCsvRecord, store: (u, rows) => cases.import(u, rows) },
      leaves: { parse: parseLeaveCsv, idKey: 'id', rowOf: leaveRowFromCsvRecord, store: (u, rows) => leaves.register(u, rows) },
      complaints: {
        parse: parseComplaintCsv,
        idKey: 'id',
        rowOf: complaintRowFromCsvRecord,
        store: (u, rows) => complaints.import(u, rows),
      },
    };
  }

  async import(user: AuthUser, kind: ImportKind, base64: string): Promise<CsvImportResultDto> {
    const reader = this.readers[kind];
    let read: { encoding: CsvEncoding; records: CaseCsvRecord[] };
    try {
      read = reader.parse(Buffer.from(base64, 'base64'));
    } catch (err) {
      if (err instanceof CsvFileError) throw new BadRequestException(`file: ${err.message}`);
      throw err;
    }
    const { rows, refused } = exportRows(read.records, reader.idKey, reader.rowOf);
    const answer = rows.length
      ? await reader.store(
          user,
          rows.map((r) => r.row),
        )
      : { accepted: 0, rejected: 0, results: [] };
    const idOf = (row: Record<string, unknown>) => (typeof row[reader.idKey] === 'string' ? (row[reader.idKey] as string) : undefined);
    const results: CsvRowResultDto[] = [
      ...answer.results.map((r) => ({
        line: rows[r.row].line,
        id: idOf(rows[r.row].row),
        accepted: r.accepted,
        reason: r.reason,
        warning: r.warning,
      })),
      ...refused.map((r) => ({ ...r, accepted: false })),
    ].sort((a, b) => a.line - b.line);
    return { encoding: read.encoding, accepted: answer.accepted, rejected: results.length - answer.accepted, rows: results };
  }
}
