import { alerts, markSeen, raiseAlert, titled } from './alerts';

describe('alerts', () => {
  beforeEach(() => markSeen());

  it('counts a new absence and a citizen called to an empty seat, not other kinds', () => {
    const text = { title: 't', body: 'b' };
    raiseAlert({ id: 'a', kind: 'absence' }, text);
    raiseAlert({ id: 'b', kind: 'queue-open-seat-empty' }, text);
    raiseAlert({ id: 'c', kind: 'camera-offline' }, text);
    raiseAlert({ id: 'd', kind: 'late-opening' }, text);
    expect(alerts.unseen).toBe(2);
    markSeen();
    expect(alerts.unseen).toBe(0);
  });

  it('puts the count in front of the title only while there is one', () => {
    expect(titled('Hallwatch', 0)).toBe('Hallwatch');
    expect(titled('Hallwatch', 3)).toBe('(3) Hallwatch');
  });
});
