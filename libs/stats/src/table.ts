import ExcelJS from 'exceljs';
import {
  cellText,
  COVERAGE_WARNING_BELOW,
  GROUPED_BY,
  lowCoverage,
  REPORT_TITLES,
  weightsText,
  type StatsColumn,
  type StatsNames,
  type StatsReport,
  type StatsTable,
} from '@hallwatch/contracts';

/** A statistics table as a document: the rows, what names their ids, and when it was made. */
export interface StatsDocument {
  report: StatsReport;
  table: StatsTable;
  names: StatsNames;
  /** The site's time zone, for the generation time. */
  timeZone: string;
  generatedAt: number;
}

/** The file's name (Chinese, e.g. 效能考核_按窗口_2024-03-01至2024-03-31.xlsx) and an ASCII one for old clients. */
export function statsFileName(report: StatsReport, table: StatsTable, format: 'csv' | 'xlsx'): { name: string; ascii: string } {
  return {
    name: `${REPORT_TITLES[report].zh}_${GROUPED_BY[table.groupBy].zh}_${table.from}至${table.to}.${format}`,
    ascii: `${report}-${table.groupBy}-${table.from}-${table.to}.${format}`,
  };
}

/** "2024-04-02 10:15" in the time zone. */
export function localDateTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
}

/** The title row: what, how grouped, the period and when it was made. */
export function statsTitle(doc: StatsDocument): string {
  const { report, table } = doc;
  return `${REPORT_TITLES[report].zh}（${GROUPED_BY[table.groupBy].zh}） ${table.from} 至 ${table.to} · 生成于 ${localDateTime(doc.generatedAt, doc.timeZone)}（${doc.timeZone}）`;
}

/** Lines under the title: the evaluation's weights (once, not per row) and what coverage means. */
function notes(doc: StatsDocument): string[] {
  if (doc.report !== 'evaluation') return [];
  const lines = doc.table.rows.length > 0 ? [weightsText(doc.table.rows[0], 'zh')] : [];
  const threshold = `${Math.round(COVERAGE_WARNING_BELOW * 100)}%`;
  return [...lines, `覆盖率 = 已判断时长 ÷ 应在岗时长；低于${threshold}的得分标为橙色，仅供参考。`];
}

function csvCell(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * RFC 4180 CSV with a UTF-8 byte-order mark, so spreadsheet programs read the Chinese: the
 * console's labels and columns, values as it shows them (names for ids, shares as %), empty cells
 * for figures there was nothing to compute from.
 */
export function toCsv(table: StatsTable, names: StatsNames): string {
  const lines = [table.columns.map((c) => csvCell(c.zh)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(cellText(c, row, table.groupBy, names, 'zh'))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Excel number formats by column kind; the other kinds are written as the console's text. */
const NUMBER_FORMATS: Partial<Record<StatsColumn['kind'], string>> = { count: '0', number: '0.00', percent: '0.0%' };

/** Display width of a label: CJK characters take two columns. */
const widthOf = (text: string) => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);

const LOW_COVERAGE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };

/**
 * One worksheet named after the report (出勤统计, 办件统计, 效能考核): a title row with the period
 * and generation time, the evaluation's weights once, then the table with the console's labels,
 * frozen below its header and with a filter on it; figures stay numbers (shares with a % format),
 * empty figures stay empty cells, low coverage is shaded.
 */
export async function toXlsx(doc: StatsDocument): Promise<Buffer> {
  const { table } = doc;
  const columns = table.columns;
  const above = [statsTitle(doc), ...notes(doc)];
  const headerRow = above.length + 1;
  const book = new ExcelJS.Workbook();
  book.created = new Date(doc.generatedAt);
  const ws = book.addWorksheet(REPORT_TITLES[doc.report].zh, { views: [{ state: 'frozen', xSplit: 1, ySplit: headerRow }] });
  ws.columns = columns.map((c) => ({ key: c.key, width: Math.min(40, Math.max(10, widthOf(c.zh) + 2)) }));
  above.forEach((text, i) => {
    const row = ws.getRow(i + 1);
    row.getCell(1).value = text;
    row.font = i === 0 ? { bold: true, size: 14 } : { color: { argb: 'FF555555' } };
    ws.mergeCells(i + 1, 1, i + 1, columns.length);
  });
  const header = ws.getRow(headerRow);
  columns.forEach((c, i) => (header.getCell(i + 1).value = c.zh));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  for (const row of table.rows) {
    const line = ws.addRow(
      columns.map((c) => {
        const v = row[c.key];
        if (NUMBER_FORMATS[c.kind] && typeof v === 'number') return v;
        return cellText(c, row, table.groupBy, doc.names, 'zh');
      }),
    );
    columns.forEach((c, i) => {
      const cell = line.getCell(i + 1);
      const format = NUMBER_FORMATS[c.kind];
      if (format) cell.numFmt = format;
      if ((c.key === 'coverage' || c.kind === 'warning') && lowCoverage(row)) cell.fill = LOW_COVERAGE_FILL;
    });
  }
  ws.autoFilter = { from: { row: headerRow, column: 1 }, to: { row: headerRow, column: columns.length } };
  return Buffer.from(await book.xlsx.writeBuffer());
}
