import { describe, expect, it } from 'vitest';
import { checkTotp, newTotpSecret, totpCode, totpEnrollmentUri } from '../../../server/crypto/totp';

/** RFC 6238 Appendix B: SHA-1 rows, 8 digits, ASCII secret "12345678901234567890" as bytes. */
const rfcSecret = new TextEncoder().encode('12345678901234567890');
const rfcVectors: [seconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(rfcVectors)('produces the Appendix B SHA-1 code at T=%i', async (seconds, expected) => {
    expect(await totpCode(rfcSecret, new Date(seconds * 1000), 8)).toBe(expected);
  });

  const secret = newTotpSecret();
  const now = new Date(1_700_000_015_000);
  const step = Math.floor(now.getTime() / 30_000);
  const codeAt = (offsetSteps: number) => totpCode(secret, new Date(now.getTime() + offsetSteps * 30_000));

  it('accepts the current code and reports its step', async () => {
    expect(await checkTotp({ secret, code: await codeAt(0), now, lastStep: null })).toEqual({ ok: true, step });
  });

  it('accepts one step of drift either way', async () => {
    expect(await checkTotp({ secret, code: await codeAt(-1), now, lastStep: null })).toEqual({ ok: true, step: step - 1 });
    expect(await checkTotp({ secret, code: await codeAt(1), now, lastStep: null })).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses a code two steps old or two steps ahead', async () => {
    expect(await checkTotp({ secret, code: await codeAt(-2), now, lastStep: null })).toEqual({ ok: false });
    expect(await checkTotp({ secret, code: await codeAt(2), now, lastStep: null })).toEqual({ ok: false });
  });

  it('refuses a replayed code, and any code of an earlier step', async () => {
    const code = await codeAt(0);
    expect(await checkTotp({ secret, code, now, lastStep: step })).toEqual({ ok: false });
    expect(await checkTotp({ secret, code: await codeAt(-1), now, lastStep: step })).toEqual({ ok: false });
    expect(await checkTotp({ secret, code: await codeAt(1), now, lastStep: step })).toEqual({ ok: true, step: step + 1 });
  });

  it('refuses codes that are not six digits', async () => {
    const code = await codeAt(0);
    for (const bad of [code.slice(1), `${code}0`, 'abcdef', ` ${code.slice(1)}`]) {
      expect(await checkTotp({ secret, code: bad, now, lastStep: null })).toEqual({ ok: false });
    }
  });

  it('makes a base32 secret of 160 bits and an otpauth URI an authenticator app accepts', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpEnrollmentUri(secret, 'admin@northfield.example'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Plantdesk:admin@northfield.example');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Plantdesk');
  });
});
