import { stateSaveDue } from './state-save';

describe('stateSaveDue', () => {
  const interval = 30_000;

  it('saves an output at once, however recent the last save', () => {
    expect(stateSaveDue({ outputs: 1, inputs: true, delivered: 0 }, 0, interval)).toBe(true);
    expect(stateSaveDue({ outputs: 2, inputs: false, delivered: 3 }, 5, interval)).toBe(true);
  });

  it('saves inputs and deliveries only once the interval passed since the last save', () => {
    for (const unsaved of [
      { outputs: 0, inputs: true, delivered: 0 },
      { outputs: 0, inputs: false, delivered: 1 },
    ]) {
      expect(stateSaveDue(unsaved, 0, interval)).toBe(false);
      expect(stateSaveDue(unsaved, interval - 1, interval)).toBe(false);
      expect(stateSaveDue(unsaved, interval, interval)).toBe(true);
      expect(stateSaveDue(unsaved, 10 * interval, interval)).toBe(true);
    }
  });

  it('never saves a state that has nothing new', () => {
    expect(stateSaveDue({ outputs: 0, inputs: false, delivered: 0 }, 10 * interval, interval)).toBe(false);
  });
});
