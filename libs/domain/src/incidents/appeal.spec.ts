import { appealRefusal } from './appeal';

describe('appealRefusal', () => {
  it('lets a closed or confirmed incident be appealed', () => {
    expect(appealRefusal('closed')).toBeUndefined();
    expect(appealRefusal('confirmed')).toBeUndefined();
  });

  it('refuses an open, dismissed or already appealed incident with the reason', () => {
    expect(appealRefusal('open')).toMatch(/still open/);
    expect(appealRefusal('dismissed')).toMatch(/dismissed/);
    expect(appealRefusal('appealed')).toMatch(/already appealed/);
  });

  it('refuses any other status, naming it', () => {
    expect(appealRefusal('excused')).toMatch(/status excused cannot be appealed/);
  });
});
