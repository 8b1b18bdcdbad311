import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx';
import { formatPercent } from '@hallwatch/contracts';
import { MonthlyNotice, NOTICE_INCIDENT_KINDS, NoticeRankRow, RectificationOrder } from './notice';

/** One section of the notice: a numbered Chinese heading, a line of text, and a table when there is something to list. */
export interface NoticeSection {
  heading: string;
  text: string;
  table?: { header: string[]; rows: string[][] };
}

const DASH = '—';
const pct = (v: number | null) => (v === null ? DASH : formatPercent(v));
const fixed = (v: number | null) => (v === null ? DASH : v.toFixed(2));
const count = (v: number | null) => (v === null ? DASH : String(v));

const RANK_HEADER = [
  '得分',
  '基础分',
  '扣分',
  '出勤率(不含请假)',
  '按时办结率',
  '平均满意度(1-5)',
  '办件量',
  '已确认离岗事件',
  '属实投诉',
  '红牌',
];
const rankCells = (r: NoticeRankRow) => [
  fixed(r.score),
  fixed(r.baseScore),
  fixed(r.deductions),
  pct(r.attendanceRate),
  pct(r.onTimeRate),
  fixed(r.meanSatisfaction),
  count(r.casesHandled),
  count(r.absenceIncidentsConfirmed),
  count(r.verifiedComplaints),
  count(r.redCards),
];
const ORDER_HEADER = ['督办单号', '层级', '责任单位', '办结时限'];
const orderCells = (o: RectificationOrder) => [o.id, o.tier, o.to, o.dueAt];
const none = (what: string) => `本月无${what}。`;

/** The notice as sections, in the order and with the headings such notices use; both the .docx and the PDF show exactly these. */
export function noticeSections(n: MonthlyNotice): NoticeSection[] {
  const kinds = NOTICE_INCIDENT_KINDS.filter((k) => n.incidentsByUnit.some((u) => u.byKind[k.kind]));
  return [
    {
      heading: '一、窗口效能排名',
      text: n.windowRanking.length ? `共${n.windowRanking.length}个窗口参与排名，按效能得分由高到低。` : none('窗口考核数据'),
      table: {
        header: ['名次', '窗口', '部门', ...RANK_HEADER],
        rows: n.windowRanking.map((r) => [count(r.rank), r.name, r.department ?? DASH, ...rankCells(r)]),
      },
    },
    {
      heading: '二、部门排名',
      text: n.departmentRanking.length ? `共${n.departmentRanking.length}个部门参与排名。` : none('部门考核数据'),
      table: { header: ['名次', '部门', ...RANK_HEADER], rows: n.departmentRanking.map((r) => [count(r.rank), r.name, ...rankCells(r)]) },
    },
    {
      heading: '三、确认违规事件',
      text: n.confirmedIncidents ? `本月经复核确认违规事件共${n.confirmedIncidents}起。` : none('经复核确认的违规事件'),
      table: {
        header: ['单位', ...kinds.map((k) => k.zh), '合计'],
        rows: n.incidentsByUnit.map((u) => [u.department, ...kinds.map((k) => String(u.byKind[k.kind] ?? 0)), String(u.total)]),
      },
    },
    {
      heading: '四、红牌',
      text: n.redCards.length ? `本月超期未办结红牌共${n.redCards.length}张。` : none('红牌'),
      table: {
        header: ['办件编号', '窗口', '部门', '事项', '超期时间'],
        rows: n.redCards.map((c) => [c.caseId, c.windowId, c.department, c.serviceItem, c.at]),
      },
    },
    {
      heading: '五、逾期及退回督办单',
      text: `逾期督办单${n.overdueOrders.length}件，退回督办单${n.returnedOrders.length}件。`,
      table: {
        header: ['状态', ...ORDER_HEADER],
        rows: [...n.overdueOrders.map((o) => ['逾期', ...orderCells(o)]), ...n.returnedOrders.map((o) => ['退回', ...orderCells(o)])],
      },
    },
    {
      heading: '六、连续两月排名末位单位',
      text: n.bottomTwoMonths.length
        ? `${n.bottomTwoMonths.map((b) => b.department).join('、')}连续两个月效能得分排名末位，请限期整改。`
        : '本月无连续两月排名末位的单位。',
      table: {
        header: ['部门', '本月得分', '上月得分'],
        rows: n.bottomTwoMonths.map((b) => [b.department, fixed(b.score), fixed(b.previousScore)]),
      },
    },
  ].map((s) => (s.table.rows.length ? s : { heading: s.heading, text: s.text }));
}

/** The lines under the title: period, issuer and when it was generated. */
export function noticeByline(n: MonthlyNotice): string[] {
  return [`通报期间：${n.from} 至 ${n.to}`, `发布人：${n.issuer}`, `生成时间：${n.generatedAt}`];
}

const FONT = { ascii: 'SimSun', eastAsia: 'SimSun', hAnsi: 'SimSun' };

/** The notice as a Word document (.docx), the format such notices are circulated in. */
export async function noticeDocx(n: MonthlyNotice): Promise<Buffer> {
  const cell = (text: string, bold = false) =>
    new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, font: FONT, size: 18 })] })] });
  const body = noticeSections(n).flatMap((s) => [
    new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: s.heading, font: FONT })] }),
    new Paragraph({ children: [new TextRun({ text: s.text, font: FONT })] }),
    ...(s.table
      ? [
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: s.table.header.map((h) => cell(h, true)) }),
              ...s.table.rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) })),
            ],
          }),
        ]
      : []),
  ]);
  const doc = new Document({
    title: n.title,
    creator: n.issuer,
    sections: [
      {
        children: [
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: [new TextRun({ text: n.title, bold: true, font: FONT })],
          }),
          ...noticeByline(n).map(
            (line) => new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: line, font: FONT })] }),
          ),
          ...body,
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The notice as a printable HTML page (A4 landscape), for the PDF; the fonts named are the CJK ones install-system-deps.sh provides. */
export function noticeHtml(n: MonthlyNotice): string {
  const table = (t: NonNullable<NoticeSection['table']>) =>
    `<table><thead><tr>${t.header.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
      .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const sections = noticeSections(n)
    .map((s) => `<h2>${escape(s.heading)}</h2><p>${escape(s.text)}</p>${s.table ? table(s.table) : ''}`)
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(n.title)}</title><style>
@page { size: A4 landscape; margin: 15mm; }
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Droid Sans Fallback", serif; font-size: 11pt; }
h1 { text-align: center; font-size: 18pt; } .byline { text-align: center; margin: 0; }
h2 { font-size: 13pt; margin-top: 14pt; } table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border: 1px solid #000; padding: 2pt 4pt; } thead { display: table-header-group; } tr { break-inside: avoid; }
</style></head><body><h1>${escape(n.title)}</h1>${noticeByline(n)
    .map((l) => `<p class="byline">${escape(l)}</p>`)
    .join('')}\n${sections}</body></html>`;
}

export const NOTICE_FORMATS = ['docx', 'pdf', 'json'] as const;
export type NoticeFormat = (typeof NOTICE_FORMATS)[number];

export const NOTICE_CONTENT_TYPES: Record<NoticeFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
};

/** The notice as a file of `format`; the PDF is the printable page printed by `print` (libs/runtime printPdf). */
export async function noticeFile(
  n: MonthlyNotice,
  format: NoticeFormat,
  print: (html: string) => Promise<Buffer>,
): Promise<{ body: Buffer; name: string; ascii: string }> {
  const body =
    format === 'docx'
      ? await noticeDocx(n)
      : format === 'pdf'
        ? await print(noticeHtml(n))
        : Buffer.from(`${JSON.stringify(n, null, 2)}\n`);
  return { body, name: `${n.title}.${format}`, ascii: `notice-${n.month}.${format}` };
}
