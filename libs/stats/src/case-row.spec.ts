import { caseUpdateFlag, CaseMessage, validateMessage } from '@hallwatch/contracts';
import { caseFactsOf, caseFromCsvRecord, caseRecordOf, caseUpdateOf } from './case-row';

const t = (hhmm: string) => `2024-03-04T${hhmm}:00+08:00`;
const ms = (hhmm: string) => Date.parse(t(hhmm));
const finished = {
  caseId: 'c1',
  windowId: 'W1',
  serviceItem: '营业执照',
  takenAt: t('09:00'),
  calledAt: t('09:05'),
  startedAt: t('09:05'),
  finishedAt: t('09:30'),
  deadline: t('10:00'),
};
const inFlight = { caseId: 'c2', windowId: 'W1', serviceItem: '营业执照', takenAt: t('09:00'), deadline: t('12:00') };
const check = (row: Record<string, unknown>) => validateMessage(CaseMessage, row);
const reason = (row: Record<string, unknown>) => {
  const d = check(row);
  return d.ok ? undefined : d.reason;
};

describe('case rows: finished as before, and in flight', () => {
  it('takes a finished row without a status as a completed case', () => {
    const d = check(finished);
    expect(d.ok).toBe(true);
    expect(caseRecordOf((d as { value: CaseMessage }).value)).toMatchObject({ status: 'completed', finishedAt: ms('09:30') });
    // The CSV of finished cases, with or without the status column.
    const csv = { ...finished, satisfaction: '5' } as Record<string, string>;
    expect(caseFromCsvRecord(csv).ok).toBe(true);
    expect(caseFromCsvRecord({ ...csv, status: 'withdrawn', at: '', stage: '' }).ok).toBe(true);
  });

  it('still needs called, started and finished times of a finished case', () => {
    const { finishedAt: _f, ...unfinished } = finished;
    expect(reason({ ...unfinished, status: 'completed' })).toMatch(/^finishedAt must be an ISO 8601/);
    expect(reason({ ...unfinished, status: 'refused' })).toMatch(/^finishedAt must be an ISO 8601/);
  });

  it('takes a case in flight without its called, started or finished times, but with when it entered its status', () => {
    expect(check({ ...inFlight, status: 'accepted', at: t('09:10') }).ok).toBe(true);
    expect(check({ ...inFlight, status: 'suspended', at: t('09:40'), stage: '补正材料', reason: '缺身份证复印件' }).ok).toBe(true);
    expect(reason({ ...inFlight, status: 'in-progress' })).toMatch(/^at must be an ISO 8601/);
    expect(reason({ ...inFlight, status: 'accepted', at: t('08:00') })).toBe('at must not be before takenAt');
    expect(reason({ ...inFlight, status: 'accepted', at: t('09:10'), finishedAt: t('09:30') })).toBe(
      'finishedAt must be left out while the case is accepted, in-progress or suspended',
    );
    expect(reason({ ...inFlight, status: 'waiting', at: t('09:10') })).toContain(
      'status must be one of the following values: accepted, in-progress, suspended, completed, refused, rejected, returned, withdrawn',
    );
  });

  it("takes a finished case's at only as its finishedAt", () => {
    expect(check({ ...finished, status: 'completed', at: '2024-03-04T01:30:00Z' }).ok).toBe(true);
    expect(reason({ ...finished, status: 'completed', at: t('09:20') })).toBe(
      'at of a finished case is its finishedAt: leave it out or give the same time',
    );
  });

  it('flags a refusal without a reason', () => {
    expect(caseUpdateFlag({ status: 'refused' })).toBe('refused without a reason: flagged');
    expect(caseUpdateFlag({ status: 'refused', reason: '不符合受理条件' })).toBeUndefined();
    expect(caseUpdateFlag({ status: 'rejected' })).toBeUndefined();
  });
});

describe('caseFactsOf', () => {
  const record = (row: Record<string, unknown>) => caseRecordOf((check(row) as { value: CaseMessage }).value);

  it('counts nothing of a case in flight but a no-show: called and not started', () => {
    const accepted = record({ ...inFlight, status: 'accepted', at: t('09:10') });
    expect(caseFactsOf(accepted, [caseUpdateOf(accepted)])).toBeNull();
    const called = record({ ...inFlight, staffId: 'S1', status: 'accepted', calledAt: t('09:05'), at: t('09:05') });
    expect(caseFactsOf(called, [caseUpdateOf(called)])).toEqual({
      caseId: 'c2',
      windowId: 'W1',
      staffId: 'S1',
      takenAt: ms('09:00'),
      calledAt: ms('09:05'),
      noShow: true,
    });
    const started = record({ ...inFlight, status: 'in-progress', calledAt: t('09:05'), startedAt: t('09:06'), at: t('09:06') });
    expect(caseFactsOf(started, [caseUpdateOf(started)])).toBeNull();
  });

  it('counts a finished case as before, its deadline moved by the time it was suspended', () => {
    const done = record(finished);
    expect(caseFactsOf(done, [caseUpdateOf(done)])).toEqual({
      caseId: 'c1',
      windowId: 'W1',
      takenAt: ms('09:00'),
      calledAt: ms('09:05'),
      startedAt: ms('09:05'),
      finishedAt: ms('09:30'),
      deadline: ms('10:00'),
    });
    // Accepted 09:05, suspended 09:10-09:50 (40 min), completed 10:20: due 10:40, so on time.
    const updates = [
      { status: 'accepted' as const, at: ms('09:05') },
      { status: 'suspended' as const, at: ms('09:10') },
      { status: 'in-progress' as const, at: ms('09:50') },
    ];
    const late = record({ ...finished, finishedAt: t('10:20') });
    expect(caseFactsOf(late, [...updates, caseUpdateOf(late)])).toMatchObject({ deadline: ms('10:40') });
  });
});
