import 'reflect-metadata';
import { complaintFromCsvRecord, parseComplaintCsv } from './complaint-row';
import { CsvFileError } from './case-csv';

const HEADER = 'id,receivedAt,channel,windowId,staffId,caseId,category,verified,outcome';

describe('complaint CSV', () => {
  it('reads a complaint with verified as a boolean, dropping empty optional cells', () => {
    const { records } = parseComplaintCsv(
      Buffer.from(`${HEADER}\nC1,2024-03-04T10:00:00+08:00,hotline,W1,,,态度,true,\nC2,2024-03-04T11:00:00+08:00,card,,,,等候,pending,\n`),
    );
    const [a, b] = records.map((r) => complaintFromCsvRecord(r.cells));
    expect(a).toEqual({ ok: true, value: expect.objectContaining({ id: 'C1', windowId: 'W1', verified: true }) });
    expect(a.ok && a.value.staffId).toBeUndefined();
    expect(b).toEqual({ ok: true, value: expect.objectContaining({ id: 'C2', verified: 'pending', category: '等候' }) });
  });

  it('names the field of a bad row', () => {
    const r = complaintFromCsvRecord({ id: 'C3', receivedAt: '2024-03-04 10:00', channel: 'fax', category: 'x', verified: 'yes' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/receivedAt/);
      expect(r.reason).toMatch(/channel/);
      expect(r.reason).toMatch(/verified must be true, false or "pending"/);
    }
  });

  it('refuses a file without the required columns, naming them', () => {
    expect(() => parseComplaintCsv(Buffer.from('id,receivedAt,windowId\nC1,x,W1\n'))).toThrow(CsvFileError);
    expect(() => parseComplaintCsv(Buffer.from('id,receivedAt,windowId\nC1,x,W1\n'))).toThrow(/channel, category, verified/);
  });
});
