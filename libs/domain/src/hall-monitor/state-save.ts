/** What a hall has that its saved state does not, as the save policy (stateSaveDue) weighs it. */
export interface UnsavedState {
  /**
   * Outputs (presence changes, incident events) decided since the last save: their outbox entries
   * must be stored with the state they led to before they are delivered.
   */
  outputs: number;
  /** Inputs applied since the last save (frames, ticks, camera statuses, queue events). */
  inputs: boolean;
  /** Outbox entries delivered since the last save, still in the saved outbox. */
  delivered: number;
}

/**
 * Whether a hall's state is saved now. An output is saved at once, with the state it led to: it
 * must not be lost. Anything else waits until `intervalMs` passed since the last save: a successor
 * taking over from an older state replays the camera statuses and queue events published since it,
 * turns the time it did not see unknown, and delivers the delivered entries again (deliveries are
 * idempotent); saving every frame would cost a database write per frame and buy nothing.
 */
export function stateSaveDue(unsaved: UnsavedState, sinceSaveMs: number, intervalMs: number): boolean {
  if (unsaved.outputs > 0) return true;
  if (!unsaved.inputs && unsaved.delivered === 0) return false;
  return sinceSaveMs >= intervalMs;
}
