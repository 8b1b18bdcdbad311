/** The dead letters' file in a backup directory (JSON lines, one dead letter each). */
export const DEAD_LETTERS_FILE = 'deadletters.jsonl';

/** What tells one dead letter from another: the stream, consumer and sequence it came from. */
export interface DeadLetterKey {
  stream: string;
  consumer: string;
  sequence: number;
}

export interface DeadLetterRestore<T extends DeadLetterKey> {
  /** To publish again into the dead-letter stream. */
  putBack: T[];
  /** Still in the stream: left as they are. */
  held: number;
  /** Gone from the backup's own stream since (replayed by `hallwatch deadletters replay`, or expired): not put back. */
  gone: number;
}

const key = (l: DeadLetterKey) => `${l.stream}\u0000${l.consumer}\u0000${l.sequence}`;

/**
 * Which of the backup's dead letters a restore puts back. Those the stream holds now stay (never
 * twice). When the dead-letter stream is the backup's own (`sameStream`: same creation time), one
 * missing from it was taken out on purpose since (replayed, so its message is in its stream again,
 * or expired), and is not put back; when the stream was deleted or made again, every missing one is.
 */
export function deadLettersToRestore<T extends DeadLetterKey>(
  letters: readonly T[],
  sameStream: boolean,
  heldNow: readonly DeadLetterKey[],
): DeadLetterRestore<T> {
  const now = new Set(heldNow.map(key));
  const missing = letters.filter((l) => !now.has(key(l)));
  return {
    putBack: sameStream ? [] : missing,
    held: letters.length - missing.length,
    gone: sameStream ? missing.length : 0,
  };
}
