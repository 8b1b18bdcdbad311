import type { Incident } from './api';

/**
 * What the reason dialog does, as the supervisor reads it. On an appealed incident the API's two
 * decisions keep their meaning for the record (confirmed: the incident stands; dismissed: it does
 * not) but read as the appeal's outcome: 维持原判 (the appeal is rejected, the incident is
 * confirmed) and 撤销 (the appeal is upheld, the incident is dismissed).
 */
export type ReviewAction = 'confirm' | 'dismiss' | 'uphold' | 'reverse' | 'appeal';

/** The key a supervisor presses: C confirms (or upholds the decision), D dismisses (or reverses it). */
export type Decision = 'confirmed' | 'dismissed';

/** The action a decision (or the hall manager's appeal) is on an incident in `status`. */
export function reviewAction(decision: Decision | 'appeal', status: Incident['status']): ReviewAction {
  if (decision === 'appeal') return 'appeal';
  if (status === 'appealed') return decision === 'confirmed' ? 'uphold' : 'reverse';
  return decision === 'confirmed' ? 'confirm' : 'dismiss';
}

/** The status PATCH /api/incidents/:id is sent for an action (an appeal is POSTed instead). */
export function apiDecision(action: Exclude<ReviewAction, 'appeal'>): Decision {
  return action === 'confirm' || action === 'uphold' ? 'confirmed' : 'dismissed';
}

type Reviewed = Pick<Incident, 'kind' | 'status' | 'final'>;

/** A camera outage is a record of the equipment, not anyone's conduct: nothing to decide or appeal. */
export function judged(incident: Pick<Incident, 'kind'>): boolean {
  return incident.kind !== 'camera-offline';
}

/** Whether the bureau has something to decide: not yet confirmed or dismissed (an appeal makes it undecided again). */
export function decidable(incident: Reviewed): boolean {
  return judged(incident) && incident.status !== 'confirmed' && incident.status !== 'dismissed';
}

/** As the API allows: a closed or confirmed incident, not one whose appeal was decided. */
export function appealable(incident: Reviewed): boolean {
  return judged(incident) && !incident.final && (incident.status === 'closed' || incident.status === 'confirmed');
}

type Entry = Incident['audit'][number];

/**
 * The trail's last appeal (申诉): the decision it is against (none when the incident was not
 * reviewed before), and the decision on it once made (the incident is then final).
 */
export function appealOf(audit: readonly Entry[]): { appeal: Entry; against?: Entry; decision?: Entry } | undefined {
  const isDecision = (a: Entry) => a.action === 'confirmed' || a.action === 'dismissed';
  const at = audit.map((a) => a.action).lastIndexOf('appealed');
  if (at < 0) return undefined;
  return { appeal: audit[at], against: audit.slice(0, at).reverse().find(isDecision), decision: audit.slice(at + 1).find(isDecision) };
}
