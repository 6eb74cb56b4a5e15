import { describe, expect, it } from 'vitest';
import { defaultScryptParams, hashPassword, isCommonPassword, passwordPolicyProblem, verifyPassword } from '../../../server/auth/passwords';

const cheap = { N: 2 ** 10, r: 8, p: 1, keyLength: 32 };

describe('password policy', () => {
  it('counts code points after NFKC, not UTF-16 units', () => {
    // 11 emoji are 22 UTF-16 units but 11 code points: too short.
    expect(passwordPolicyProblem('😀😁😂🤣😃😄😅😆😉😊😋')).toMatch(/at least 12/);
    expect(passwordPolicyProblem('😀😁😂🤣😃😄😅😆😉😊😋😎')).toBeNull();
    // Full-width letters fold to ASCII under NFKC, so they count (and compare) as such.
    expect(passwordPolicyProblem('ｐａｓｓｗｏｒｄ１２３４')).toMatch(/common/);
  });

  it('accepts 12 to 128 code points and refuses outside', () => {
    expect(passwordPolicyProblem('tR7#mQ2!vX9z')).toBeNull();
    expect(passwordPolicyProblem('tR7#mQ2!vX9')).toMatch(/at least 12/);
    expect(passwordPolicyProblem('aB3$'.repeat(32))).toBeNull();
    expect(passwordPolicyProblem(`${'aB3$'.repeat(32)}x`)).toMatch(/at most 128/);
  });

  it('refuses passwords on the shipped list of common and breached passwords, whatever the case', () => {
    for (const common of ['password1234', 'Qwerty123456', 'correcthorsebatterystaple', '1qaz2wsx3edc', 'iloveyou2024!', '123456789012']) {
      expect(isCommonPassword(common), common).toBe(true);
      expect(passwordPolicyProblem(common)).toMatch(/common/);
    }
    expect(isCommonPassword('tR7#mQ2!vX9zK')).toBe(false);
  });

  it('refuses passwords built from the email or the name, and ones with almost no variety', () => {
    expect(passwordPolicyProblem('casey.contributor-2026', { email: 'casey.contributor@northfield.example' })).toMatch(/email/);
    expect(passwordPolicyProblem('xXVicViewerXx!', { displayName: 'Vic Viewer' })).toMatch(/name/);
    expect(passwordPolicyProblem('abababababab')).toMatch(/different characters/);
  });
});

describe('password hashing (scrypt)', () => {
  it('stores the parameters and a per-user salt with the hash', async () => {
    const first = await hashPassword('tR7#mQ2!vX9z', cheap);
    const second = await hashPassword('tR7#mQ2!vX9z', cheap);
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('tR7#mQ2!vX9z', cheap);
    expect(await verifyPassword('tR7#mQ2!vX9z', stored)).toBe(true);
    expect(await verifyPassword('tR7#mQ2!vX9Z', stored)).toBe(false);
    expect(await verifyPassword('tR7#mQ2!vX9z', 'not-a-hash')).toBe(false);
  });

  it('matches a password typed in another Unicode form (NFKC)', async () => {
    const stored = await hashPassword('Ｐｌａｎｔ-ｄｅｓｋ-２０２６', cheap);
    expect(await verifyPassword('Plant-desk-2026', stored)).toBe(true);
  });

  it('uses a production work factor by default and verifies with the stored one', async () => {
    expect(defaultScryptParams.N * defaultScryptParams.r * 128).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    const stored = await hashPassword('tR7#mQ2!vX9z');
    expect(stored.startsWith(`scrypt$${defaultScryptParams.N}$${defaultScryptParams.r}$${defaultScryptParams.p}$`)).toBe(true);
    expect(await verifyPassword('tR7#mQ2!vX9z', stored)).toBe(true);
  });
});
