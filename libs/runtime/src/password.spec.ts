import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies the right password only, and salts every hash', async () => {
    const a = await hashPassword('窗口-secret');
    const b = await hashPassword('窗口-secret');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('窗口-secret');
    await expect(verifyPassword('窗口-secret', a)).resolves.toBe(true);
    await expect(verifyPassword('窗口-Secret', a)).resolves.toBe(false);
  });

  it('refuses a stored value that is not a scrypt hash', async () => {
    await expect(verifyPassword('x', 'x')).resolves.toBe(false);
  });
});
