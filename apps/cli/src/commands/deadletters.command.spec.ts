import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { headers } from 'nats';
import { DeadLetterHeaders } from '@hallwatch/contracts';
import { deadLetterOf, unreplayable } from '@hallwatch/runtime';
import { deadLetterId, deadLetterStream, describeDeadLetter, registerDeadLettersCommand } from './deadletters.command';

describe('deadletters --stream and --id', () => {
  it('takes a Hallwatch stream a message can be moved aside from', () => {
    expect(deadLetterStream('HALLWATCH_PRESENCE')).toBe('HALLWATCH_PRESENCE');
    expect(deadLetterStream('HALLWATCH_CASES')).toBe('HALLWATCH_CASES');
  });

  it('refuses other names, naming the ones it takes', () => {
    for (const bad of ['presence', 'HALLWATCH_DEADLETTER', 'hallwatch_presence', '']) {
      expect(() => deadLetterStream(bad)).toThrow(InvalidArgumentError);
      expect(() => deadLetterStream(bad)).toThrow(/must be one of HALLWATCH_CAMERAS, HALLWATCH_PRESENCE, .*HALLWATCH_LEAVES$/);
    }
  });

  it('takes a dead letter number as list prints it, with or without #', () => {
    expect(deadLetterId('12')).toBe(12);
    expect(deadLetterId('#7')).toBe(7);
  });

  it('refuses zero, negative, fractional and non-numeric ids', () => {
    for (const bad of ['0', '-3', '1.5', 'abc', '', '#', '12x', '1e3', '99999999999999999999']) {
      expect(() => deadLetterId(bad)).toThrow(InvalidArgumentError);
      expect(() => deadLetterId(bad)).toThrow(/must be the number of a dead letter/);
    }
  });

  it('parses the command line: list and replay with their filters, and a clear error for a bad one', async () => {
    const seen: unknown[] = [];
    const program = new Command().exitOverride().configureOutput({ writeErr: (s) => seen.push(s) });
    registerDeadLettersCommand(program);
    // Only the parsing: actions replaced by a recorder.
    for (const sub of program.commands[0].commands) sub.action((opts: unknown) => void seen.push([sub.name(), opts]));
    await program.parseAsync(['node', 'hallwatch', 'deadletters', 'list']);
    await program.parseAsync(['node', 'hallwatch', 'deadletters', 'replay', '--stream', 'HALLWATCH_QUEUE', '--id', '#4']);
    expect(seen).toEqual([
      ['list', {}],
      ['replay', { stream: 'HALLWATCH_QUEUE', id: 4 }],
    ]);
    await expect(program.parseAsync(['node', 'hallwatch', 'deadletters', 'replay', '--id', 'x'])).rejects.toThrow(CommanderError);
    expect(seen[seen.length - 1]).toMatch(/option '--id <n>' argument 'x' is invalid\. must be the number of a dead letter/);
  });
});

describe('a dead letter as stored', () => {
  const stored = (h: Record<string, string>, subject = 'hallwatch.deadletter.HALLWATCH_PRESENCE') => {
    const header = headers();
    for (const [k, v] of Object.entries(h)) header.set(k, v);
    return { seq: 12, subject, header, data: new Uint8Array([123, 125]), time: new Date('2026-12-01T08:00:00Z') };
  };
  const full = {
    [DeadLetterHeaders.stream]: 'HALLWATCH_PRESENCE',
    [DeadLetterHeaders.consumer]: 'reporting',
    [DeadLetterHeaders.subject]: 'hallwatch.presence.W1',
    [DeadLetterHeaders.sequence]: '345',
    [DeadLetterHeaders.reason]: 'failed 5 deliveries, last: E11000',
  };

  it('reads where it came from and why, and is printed on one line', () => {
    const letter = deadLetterOf(stored(full));
    expect(letter).toMatchObject({
      id: 12,
      stream: 'HALLWATCH_PRESENCE',
      consumer: 'reporting',
      subject: 'hallwatch.presence.W1',
      sequence: 345,
    });
    expect(unreplayable(letter)).toBeUndefined();
    expect(describeDeadLetter(letter)).toBe(
      '#12 HALLWATCH_PRESENCE #345 hallwatch.presence.W1 (consumer reporting) moved aside 2026-12-01T08:00:00.000Z: failed 5 deliveries, last: E11000',
    );
  });

  it('is not replayed onto a subject outside its stream, or from a stream that is not Hallwatch’s', () => {
    const elsewhere = deadLetterOf(stored({ ...full, [DeadLetterHeaders.subject]: 'hallwatch.cases' }));
    expect(unreplayable(elsewhere)).toBe(`its subject "hallwatch.cases" is not one of HALLWATCH_PRESENCE's (hallwatch.presence.*)`);
    const nested = deadLetterOf(stored({ ...full, [DeadLetterHeaders.subject]: 'hallwatch.presence.W1.x' }));
    expect(unreplayable(nested)).toMatch(/is not one of HALLWATCH_PRESENCE's/);
    const camera = deadLetterOf(
      stored({ ...full, [DeadLetterHeaders.stream]: 'HALLWATCH_CAMERAS', [DeadLetterHeaders.subject]: 'hallwatch.camera.cam1.status' }),
    );
    expect(unreplayable(camera)).toBeUndefined();
    const unknown = deadLetterOf(stored({ [DeadLetterHeaders.subject]: 'x.y' }, 'hallwatch.deadletter.OTHER'));
    expect(unknown.stream).toBe('OTHER'); // named by its subject when the header is missing
    expect(unreplayable(unknown)).toBe(`it came from stream "OTHER", not one of Hallwatch's`);
  });
});
