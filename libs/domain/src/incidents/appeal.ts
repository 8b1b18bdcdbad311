/**
 * Which incidents the staff member may appeal (through the hall manager): one whose condition has
 * ended (closed, unreviewed yet) or one the bureau confirmed. An open incident has not ended, a
 * dismissed one holds nothing against anyone, and an appealed one already awaits the bureau's
 * next decision. Once an appeal is decided the incident is final (judgeAppeal in review-rules).
 */
export const APPEALABLE_STATUSES: readonly string[] = ['closed', 'confirmed'];

/** Why an incident in `status` cannot be appealed, or undefined when it can. */
export function appealRefusal(status: string): string | undefined {
  if (APPEALABLE_STATUSES.includes(status)) return undefined;
  switch (status) {
    case 'open':
      return 'the incident is still open: it can be appealed once it has closed';
    case 'appealed':
      return "the incident is already appealed and awaits the supervisor's decision";
    case 'dismissed':
      return 'the incident was dismissed: there is nothing to appeal';
    default:
      return `an incident with status ${status} cannot be appealed; only closed or confirmed ones can`;
  }
}
