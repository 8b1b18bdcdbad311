import { deadLettersToRestore } from './dead-letters';

const letter = (stream: string, sequence: number, consumer = 'reporting') => ({
  stream,
  consumer,
  sequence,
  data: `${stream}#${sequence}`,
});

describe('the dead letters a restore puts back', () => {
  const backup = [letter('HALLWATCH_PRESENCE', 4), letter('HALLWATCH_PRESENCE', 4, 'other'), letter('HALLWATCH_CASES', 9)];

  it('puts back every one a stream made again (or a new one) lacks, and none it holds', () => {
    const plan = deadLettersToRestore(backup, false, [letter('HALLWATCH_CASES', 9)]);
    expect(plan.putBack.map((l) => l.data)).toEqual(['HALLWATCH_PRESENCE#4', 'HALLWATCH_PRESENCE#4']);
    expect(plan.putBack.map((l) => l.consumer)).toEqual(['reporting', 'other']);
    expect(plan).toMatchObject({ held: 1, gone: 0 });
  });

  it("puts back nothing into the backup's own stream: those still there stay, those gone were replayed or expired", () => {
    expect(deadLettersToRestore(backup, true, [letter('HALLWATCH_CASES', 9)])).toEqual({ putBack: [], held: 1, gone: 2 });
    expect(deadLettersToRestore(backup, true, backup)).toEqual({ putBack: [], held: 3, gone: 0 });
  });

  it('tells letters apart by stream, consumer and sequence', () => {
    expect(deadLettersToRestore([letter('A', 1)], false, [letter('A', 2), letter('B', 1), letter('A', 1, 'x')]).putBack).toHaveLength(1);
  });
});
