import {
  CameraStatusMessage,
  CaseMessage,
  IncidentReviewRequest,
  isCalendarDate,
  isId,
  isInstant,
  isPlainText,
  validateMessage,
} from './index';

const CASE = {
  caseId: 'C-2026-0001',
  windowId: 'W01',
  staffId: 'S1',
  serviceItem: '营业执照办理',
  takenAt: '2026-11-24T09:00:00+08:00',
  calledAt: '2026-11-24T09:05:00+08:00',
  startedAt: '2026-11-24T09:05:30+08:00',
  finishedAt: '2026-11-24T09:20:00+08:00',
  deadline: '2026-11-24T10:00:00+08:00',
  status: 'completed',
};

describe('ids: one pattern for every id (issue 11, items 2 and 12)', () => {
  it('takes ids of the site file, cases and incidents', () => {
    for (const id of ['W01', 'cam-1', 'h_1', 'C-2026-0001', 'absence:h1:W01:1732435200000']) expect(isId(id)).toBe(true);
  });

  it('refuses reserved names, control and bidi characters, dots, spaces and wildcards', () => {
    for (const id of [
      '__proto__',
      'constructor',
      'prototype',
      'hasOwnProperty',
      'toString',
      'W\u202E01',
      'W\u000001',
      'W01\n',
      'a.b',
      'a b',
      '*',
      '>',
      '',
      'x'.repeat(201),
    ]) {
      expect(isId(id)).toBe(false);
    }
  });

  it('refuses a case whose caseId, windowId or staffId is a reserved name, naming the field', () => {
    for (const field of ['caseId', 'windowId', 'staffId']) {
      const decoded = validateMessage(CaseMessage, { ...CASE, [field]: '__proto__' });
      expect(decoded).toEqual({ ok: false, reason: expect.stringContaining(`${field} must be 1-200 letters`) });
    }
    expect(validateMessage(CaseMessage, CASE).ok).toBe(true);
  });
});

describe('free text (issue 11, item 12)', () => {
  it('keeps Chinese, tabs and line breaks, refuses control and bidi characters', () => {
    expect(isPlainText('核实后确认缺岗\n第二行\tok')).toBe(true);
    for (const bad of ['abc\u202Edef', '\u2066x', 'a\u0000b', 'a\u001bb', '\u200Fx']) expect(isPlainText(bad)).toBe(false);
    const review = validateMessage(IncidentReviewRequest, {
      id: 'absence:h1:W01:1',
      status: 'confirmed',
      reason: 'ok \u202Etxt.exe',
      by: 'sup',
    });
    expect(review).toEqual({ ok: false, reason: expect.stringContaining('reason must be text without control or bidi characters') });
    // A camera's status is never lost over its diagnostic text; its id is still checked.
    expect(
      validateMessage(CameraStatusMessage, { cameraId: 'cam-1', status: 'offline', at: '2026-11-24T09:00:00Z', reason: 'x\u001b[31m' }).ok,
    ).toBe(true);
    expect(validateMessage(CameraStatusMessage, { cameraId: 'cam\u202E1', status: 'offline', at: '2026-11-24T09:00:00Z' }).ok).toBe(false);
  });
});

describe('times (issue 11, items 4 and 8)', () => {
  it('takes date-times with an offset only', () => {
    expect(isInstant('2026-11-24T09:00:00+08:00')).toBe(true);
    expect(isInstant('2026-11-24T01:00:00.123Z')).toBe(true);
    for (const bad of [
      '2026-11-24T09:00:00',
      '2026-11-24',
      '2026-W48',
      '2026-02-30T09:00:00Z',
      '2026-13-01T00:00:00Z',
      '0000-00-00T00:00:00Z',
      '2026-11-24 09:00:00+08:00',
    ]) {
      expect(isInstant(bad)).toBe(false);
    }
  });

  it('answers the same for a time seen before, and takes the longest form (nanoseconds)', () => {
    for (let round = 0; round < 2; round++) {
      expect(isInstant('2026-11-24T09:00:00.123456789+08:00')).toBe(true);
      expect(isInstant('2026-02-30T09:00:00Z')).toBe(false);
      expect(isInstant('2026-11-24T09:00:00.1234567890+08:00')).toBe(false);
    }
  });

  it('refuses a case time without an offset instead of reading it as UTC', () => {
    const decoded = validateMessage(CaseMessage, { ...CASE, takenAt: '2026-11-24T09:00:00' });
    expect(decoded).toEqual({ ok: false, reason: expect.stringContaining('takenAt must be an ISO 8601 date and time with an offset') });
  });

  it('knows calendar dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const bad of ['2026-02-30', '2026-13-01', '0000-00-00', '2026-2-1', '2026-W48']) expect(isCalendarDate(bad)).toBe(false);
  });
});
