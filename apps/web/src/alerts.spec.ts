import { alerts, markSeen, raiseAlert, raiseCardAlert, raiseOverdueAlert, titled } from './alerts';

describe('alerts', () => {
  beforeEach(() => (markSeen(), markSeen('supervision')));

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

  it('counts each card and overdue order for the 督办 page apart from the incidents', () => {
    const text = { title: 't', body: 'b' };
    raiseCardAlert({ caseId: 'c-1', color: 'yellow' }, text);
    raiseCardAlert({ caseId: 'c-1', color: 'red' }, text);
    raiseOverdueAlert({ orderId: 'r-1' }, text);
    raiseAlert({ id: 'a', kind: 'absence' }, text);
    expect([alerts.unseen, alerts.unseenSupervision]).toEqual([1, 3]);
    markSeen('supervision');
    expect([alerts.unseen, alerts.unseenSupervision]).toEqual([1, 0]);
  });

  it('puts the count in front of the title only while there is one', () => {
    expect(titled('Hallwatch', 0)).toBe('Hallwatch');
    expect(titled('Hallwatch', 3)).toBe('(3) Hallwatch');
  });
});
