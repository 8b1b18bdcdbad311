import type {
  CaseMessage,
  ComplaintMessage,
  IncidentKind,
  IncidentMessage,
  IncidentReviewedMessage,
  LeaveMessage,
  PresenceMessage,
  PresenceState,
} from '@hallwatch/contracts';
import { openIntervals, type Interval, type ScheduleSpec } from '@hallwatch/domain';
import { dayRange, localDate } from './calendar';

/** A window the demo history is made for: its hall, schedule and (from the roster) staff. */
export interface DemoWindow {
  id: string;
  hallId: string;
  schedule: ScheduleSpec;
  /** The roster's staff id of the window, named by its cases, incidents, leaves and complaints. */
  staffId?: string;
  /** The roster's words for that staff (incidents carry them). */
  staff?: string;
}

export interface DemoHistoryInput {
  timeZone: string;
  windows: readonly DemoWindow[];
  /** The history covers [from, to) (epoch ms). */
  from: number;
  to: number;
  /** The PRNG's seed: the same input gives the same history. */
  seed: number;
  /** The site's incident rules (ms), so the incidents are the ones these absences would open. */
  rules: { absenceAfter: number; lateAfter: number; earlyLeaveBefore: number };
}

/** An incident of the history with its events: opened, closed, and a review when one was made before `to`. */
export interface DemoIncident {
  closed: IncidentMessage;
  reviewed?: IncidentReviewedMessage;
}

export interface DemoHistory {
  /** Presence changes by window, then time (each window's `since` strictly increasing). */
  presence: PresenceMessage[];
  incidents: DemoIncident[];
  cases: CaseMessage[];
  complaints: ComplaintMessage[];
  /** Approved leaves (whole open days the staff was away). */
  leaves: LeaveMessage[];
}

const MINUTE = 60000;
const DAY = 24 * 60 * MINUTE;
/** How long after a change begins inference decides it (the default hysteresis, rules.confirmAfter). */
const DECIDED_AFTER = 20000;
const SERVICE_ITEMS = ['营业执照办理', '社保卡补办', '不动产登记', '个税申报咨询', '居住证签注', '医保关系转移'];
const COMPLAINT_CATEGORIES = ['服务态度', '等候时间过长', '办事效率', '政策解释不清'];
const COMPLAINT_VERDICTS: ComplaintMessage['verified'][] = [true, false, 'pending', true, false];
const COMPLAINT_CHANNELS: ComplaintMessage['channel'][] = ['hotline', 'card', 'online', 'inspection'];
const LEAVE_DAYS = 2;

/** mulberry32: small, fast and the same on every platform (the demo's history, the trust harness's plans). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A month (or any range) of believable history for the demo: per open interval of each window's
 * schedule (so nothing on weekends and holidays), staff arriving on time or a little late, one
 * break now and then, rarely an early leave; the incidents the site's rules make of those absences,
 * most of them reviewed; cases handled while staffed, most rated; a few complaints; and leaves of
 * whole days, on which the window stays empty (their absence incidents carry the leave). Pure and
 * deterministic: the same input gives the same history.
 */
export function demoHistory(input: DemoHistoryInput): DemoHistory {
  const random = seededRandom(input.seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const history: DemoHistory = { presence: [], incidents: [], cases: [], complaints: [], leaves: [] };
  const openByWindow = input.windows.map((w) => openIntervals(w.schedule, input.timeZone, input.from, input.to));
  const leaveIntervals = pickLeaveDays(input, openByWindow, between, history.leaves);

  input.windows.forEach((w, wi) => {
    let caseNo = 0;
    const change = (state: PresenceState, since: number) =>
      history.presence.push({ windowId: w.id, hallId: w.hallId, state, since: iso(since), at: iso(since + DECIDED_AFTER) });
    const incident = (kind: IncidentKind, start: number, end: number, leaveId?: string) => {
      const closed: IncidentMessage = {
        id: `demo-${w.id}-${String(history.incidents.length + 1).padStart(4, '0')}`,
        kind,
        hallId: w.hallId,
        windowId: w.id,
        ...(w.staff && { staff: w.staff }),
        openedAt: iso(start),
        closedAt: iso(end),
        durationMs: end - start,
        ...(leaveId && { leaveId }),
      };
      const r = random();
      const reviewedAt = end + between(2, 72) * 60 * MINUTE;
      // Most absences turn out to have a reason (dismissed); a few are confirmed; some await review.
      const review = r < 0.2 ? 'confirmed' : r < 0.75 ? 'dismissed' : undefined;
      history.incidents.push({
        closed,
        ...(review && !leaveId && reviewedAt < input.to && { reviewed: { ...closed, review, reviewedAt: iso(reviewedAt) } }),
      });
    };
    const serve = (start: number, end: number) => {
      for (let cursor = start + between(1, 6) * MINUTE; ;) {
        const handling = between(6, 25) * MINUTE;
        const startedAt = cursor + 30000;
        const finishedAt = startedAt + handling;
        if (finishedAt > end) return;
        const takenAt = cursor - between(1, 15) * MINUTE;
        // About one case in fourteen finishes after its deadline, so the on-time rate is not 100.
        const deadline = random() < 0.07 ? startedAt + handling / 2 : takenAt + 3 * DAY;
        const r = random();
        const satisfaction = r < 0.2 ? undefined : r < 0.68 ? 5 : r < 0.88 ? 4 : r < 0.96 ? 3 : r < 0.99 ? 2 : 1;
        history.cases.push({
          caseId: `demo-${w.id}-${String(++caseNo).padStart(5, '0')}`,
          windowId: w.id,
          ...(w.staffId && { staffId: w.staffId }),
          serviceItem: SERVICE_ITEMS[between(0, SERVICE_ITEMS.length - 1)],
          takenAt: iso(takenAt),
          calledAt: iso(cursor),
          startedAt: iso(startedAt),
          finishedAt: iso(finishedAt),
          deadline: iso(deadline),
          status: 'completed',
          ...(satisfaction !== undefined && { satisfaction }),
        } as CaseMessage);
        cursor = finishedAt + between(0, 8) * MINUTE;
      }
    };

    for (const { start, end } of openByWindow[wi]) {
      const leave = leaveIntervals.find((l) => l.windowId === w.id && l.from <= start && end <= l.to);
      if (leave) {
        change('absent', start);
        change('closed', end);
        if (end - start >= input.rules.absenceAfter) incident('absence', start, end, leave.id);
        continue;
      }
      const r = random();
      const late = (r < 0.03 ? between(61, 80) : r < 0.18 ? between(1, 12) : 0) * MINUTE;
      const early = (random() < 0.03 ? between(61, 75) : 0) * MINUTE;
      const arrive = start + late;
      const leaveAt = end - early;
      const segments: Interval[] = [];
      // A break in the middle of the interval, kept 10 minutes clear of arrival and departure.
      const breakStart = start + Math.round((end - start) * (0.3 + 0.4 * random()));
      const breakEnd = breakStart + between(5, 35) * MINUTE;
      if (random() < 0.3 && breakStart > arrive + 10 * MINUTE && breakEnd < leaveAt - 10 * MINUTE)
        segments.push({ start: arrive, end: breakStart }, { start: breakEnd, end: leaveAt });
      else segments.push({ start: arrive, end: leaveAt });
      if (arrive >= leaveAt) continue;

      if (late > 0) change('absent', start);
      segments.forEach((s, i) => {
        change('staffed', s.start);
        if (i < segments.length - 1) change('absent', s.end);
        serve(s.start, s.end);
      });
      if (early > 0) change('absent', leaveAt);
      change('closed', end);

      if (late >= input.rules.lateAfter) incident('late-opening', start, arrive);
      else if (late >= input.rules.absenceAfter) incident('absence', start, arrive);
      if (segments.length > 1 && breakEnd - breakStart >= input.rules.absenceAfter) incident('absence', breakStart, breakEnd);
      if (early >= input.rules.earlyLeaveBefore) incident('early-leave', leaveAt, end);
    }
  });

  const rostered = input.windows.filter((w) => w.staffId);
  const openDays = openByWindow.flat();
  if (rostered.length > 0 && openDays.length > 0)
    COMPLAINT_VERDICTS.forEach((verified, i) => {
      const w = rostered[between(0, rostered.length - 1)];
      const day = openDays[between(0, openDays.length - 1)];
      history.complaints.push({
        id: `demo-complaint-${i + 1}`,
        receivedAt: iso(day.start + between(0, Math.floor((day.end - day.start) / MINUTE) - 1) * MINUTE),
        channel: COMPLAINT_CHANNELS[i % COMPLAINT_CHANNELS.length],
        windowId: w.id,
        staffId: w.staffId,
        category: COMPLAINT_CATEGORIES[between(0, COMPLAINT_CATEGORIES.length - 1)],
        verified,
        ...(verified !== 'pending' && { outcome: verified ? '情况属实，已约谈当事人' : '经核实不属实' }),
      });
    });
  return history;
}

/**
 * LEAVE_DAYS leaves of a whole local day each, of distinct rostered windows, on days they are open.
 * Each covers its day from midnight to midnight, so every open interval of the day falls inside it.
 */
function pickLeaveDays(
  input: DemoHistoryInput,
  openByWindow: Interval[][],
  between: (lo: number, hi: number) => number,
  leaves: LeaveMessage[],
): { id: string; windowId: string; from: number; to: number }[] {
  const picked: { id: string; windowId: string; from: number; to: number }[] = [];
  const candidates = input.windows.map((w, wi) => ({ w, open: openByWindow[wi] })).filter(({ w, open }) => w.staffId && open.length > 0);
  for (let i = 0; i < LEAVE_DAYS && candidates.length > 0; i++) {
    const [{ w, open }] = candidates.splice(between(0, candidates.length - 1), 1);
    const someOpen = open[between(0, open.length - 1)];
    const day = dayRange(input.timeZone, localDate(input.timeZone, someOpen.start));
    const leave = { id: `demo-leave-${i + 1}`, windowId: w.id, from: day.start, to: day.end };
    picked.push(leave);
    leaves.push({
      id: leave.id,
      staffId: w.staffId!,
      kind: i % 2 === 0 ? 'leave' : 'official-duty',
      from: iso(leave.from),
      to: iso(leave.to),
      reason: i % 2 === 0 ? '病假（演示数据）' : '参加区里业务培训（演示数据）',
    });
  }
  return picked;
}
