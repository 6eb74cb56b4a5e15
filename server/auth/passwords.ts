import { randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizePassword, passwordLengthProblem, passwordRuleProblem } from '../../shared/domain/auth';
import { constantTimeEqual } from './tokens';

/**
 * Password policy and storage. NFKC first (so the same password typed on any keyboard or
 * input method matches), 12..128 code points, not on the shipped list of common and breached
 * passwords, then scrypt with a per-user salt; the parameters live in the stored string so
 * they can be raised later without breaking older hashes.
 */

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** One of OWASP's recommended scrypt settings (N=2^16, r=8, p=2: 64 MiB per hash). */
export const defaultScryptParams: ScryptParams = { N: 2 ** 16, r: 8, p: 2, keyLength: 32 };

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Format: scrypt$N$r$p$salt$hash (salt and hash base64url). */
export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(normalizePassword(password), salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const expected = Buffer.from(parts[5], 'base64url');
  const key = await scrypt(normalizePassword(password), Buffer.from(parts[4], 'base64url'), { N, r, p, keyLength: expected.length });
  return constantTimeEqual(key, expected);
}

/**
 * A hash of a random password with the current parameters: unknown emails are "verified"
 * against it so a wrong email costs as much time as a wrong password.
 */
let decoyHash: Promise<string> | null = null;
export function decoyPasswordHash(params: ScryptParams = defaultScryptParams): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(24).toString('base64url'), params);
  return decoyHash;
}

const commonPasswordsFile = fileURLToPath(new URL('./common-passwords.txt', import.meta.url));
let commonPasswords: Set<string> | null = null;

function loadCommonPasswords(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(commonPasswordsFile, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
  return commonPasswords;
}

export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(normalizePassword(password).toLowerCase());
}

/** Why a new password is refused, in words for the person choosing it, or null. */
export function passwordPolicyProblem(password: string, person: { email?: string; displayName?: string } = {}): string | null {
  const lengthProblem = passwordLengthProblem(password);
  if (lengthProblem) return lengthProblem;
  if (isCommonPassword(password)) return 'this password is on a list of common or leaked passwords';
  return passwordRuleProblem(password, person);
}
