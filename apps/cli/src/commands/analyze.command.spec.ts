import { InvalidArgumentError } from 'commander';
import { sampleSeconds } from './analyze.command';

describe('analyze --every', () => {
  it('takes seconds of 0.01 and more (issue 11, item 11)', () => {
    expect(sampleSeconds('0.05')).toBe(0.05);
    expect(sampleSeconds('2')).toBe(2);
  });

  it('refuses zero, tiny, negative and non-numeric periods with a clear error', () => {
    for (const bad of ['0', '1e-9', '0.001', '-1', 'abc', '', 'Infinity']) {
      expect(() => sampleSeconds(bad)).toThrow(InvalidArgumentError);
      expect(() => sampleSeconds(bad)).toThrow(/at least 0.01/);
    }
  });
});
