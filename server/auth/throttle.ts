import type { Tx } from '../db/database';
import { sha256Hex } from './tokens';

/**
 * Sign-in throttling that holds across server instances (the counters live in PostgreSQL).
 * Two counters per attempt: the account (by email, known or not, so throttling does not reveal
 * which emails exist) and the client IP. After a few free failures each further failure
 * doubles the wait before the next attempt is even evaluated; a throttled attempt is answered
 * with `throttled` and retryAfter instead of being slept on.
 *
 * Both sign-in steps go through it: a password and a TOTP code are each an attempt, counted as
 * a failure before they are checked and refunded afterwards if right, so concurrent attempts see
 * each other and a burst cannot slip through between the check and the count. A right password
 * refunds only its own attempt: the account's count of consecutive failures (the lockout's) is
 * cleared only by a completed sign-in, so knowing the password does not reset the count of
 * wrong codes.
 */
export interface ThrottlePolicy {
  accountFreeFailures: number;
  ipFreeFailures: number;
  maxDelaySeconds: number;
  /** An IP's failures older than this are forgotten. */
  ipWindowSeconds: number;
}

export const defaultThrottlePolicy: ThrottlePolicy = {
  accountFreeFailures: 3,
  ipFreeFailures: 10,
  maxDelaySeconds: 15 * 60,
  ipWindowSeconds: 60 * 60,
};

export interface ThrottleKeys {
  ip: string;
  account: string;
}

export function throttleKeys(ip: string, email: string): ThrottleKeys {
  return { ip: `ip:${sha256Hex(ip)}`, account: `account:${sha256Hex(email)}` };
}

export function delaySeconds(failures: number, free: number, max: number): number {
  return failures < free ? 0 : Math.min(2 ** (failures - free), max);
}

interface Counter {
  failures: number;
  last_failure_at: Date;
}

async function lockCounter(tx: Tx, key: string, now: Date): Promise<Counter> {
  await tx.query('INSERT INTO login_throttle (key, failures, last_failure_at) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING', [key, now]);
  const rows = await tx.query<{ failures: number; last_failure_at: Date }>('SELECT failures, last_failure_at FROM login_throttle WHERE key = $1 FOR UPDATE', [key]);
  return rows[0];
}

/** An attempt counted as a failure until it is refunded: what the counters held before it. */
export interface Reservation {
  keys: ThrottleKeys;
  at: Date;
  before: { ip: Date; account: Date };
}

/**
 * Either the seconds to wait (nothing counted) or the reservation: the attempt may be evaluated
 * and has been counted as a failure (both counters, stamped now) until it is refunded.
 */
export async function reserveAttempt(tx: Tx, keys: ThrottleKeys, now: Date, policy: ThrottlePolicy): Promise<{ wait: number } | { reservation: Reservation }> {
  // Always lock ip before account: one order for every transaction, so no deadlock.
  const ip = await lockCounter(tx, keys.ip, now);
  const account = await lockCounter(tx, keys.account, now);
  const ipFailures = now.getTime() - ip.last_failure_at.getTime() > policy.ipWindowSeconds * 1000 ? 0 : ip.failures;
  const ipAllowedAt = ip.last_failure_at.getTime() + delaySeconds(ipFailures, policy.ipFreeFailures, policy.maxDelaySeconds) * 1000;
  const accountAllowedAt = account.last_failure_at.getTime() + delaySeconds(account.failures, policy.accountFreeFailures, policy.maxDelaySeconds) * 1000;
  const allowedAt = Math.max(ipAllowedAt, accountAllowedAt);
  if (now.getTime() < allowedAt) return { wait: Math.max(1, Math.ceil((allowedAt - now.getTime()) / 1000)) };
  await tx.query('UPDATE login_throttle SET failures = $2, last_failure_at = $3 WHERE key = $1', [keys.ip, ipFailures + 1, now]);
  await tx.query('UPDATE login_throttle SET failures = failures + 1, last_failure_at = $2 WHERE key = $1', [keys.account, now]);
  if (Math.random() < 0.01) await forgetStaleCounters(tx, now);
  return { reservation: { keys, at: now, before: { ip: ip.last_failure_at, account: account.last_failure_at } } };
}

/**
 * Gives a counter back the attempt reserved on it, and its earlier stamp unless a later attempt
 * stamped it since: a right answer leaves the wait before the next attempt where it was, so the
 * second step right after a right password is not held up by the password's own reservation.
 */
async function refundCounter(tx: Tx, key: string, reservedAt: Date, before: Date): Promise<void> {
  await tx.query(
    'UPDATE login_throttle SET failures = greatest(failures - 1, 0), last_failure_at = CASE WHEN last_failure_at = $2 THEN $3 ELSE last_failure_at END WHERE key = $1',
    [key, reservedAt, before],
  );
}

/**
 * Keeps the table small. An account's failures are consecutive failures for the lockout, so
 * they are kept until a completed sign-in or an unlock clears them; only counters that have
 * been quiet for months go (so that guessing below the threshold each day adds up anyway).
 */
async function forgetStaleCounters(tx: Tx, now: Date): Promise<void> {
  await tx.query(
    `DELETE FROM login_throttle
     WHERE (key LIKE 'ip:%' OR failures = 0) AND last_failure_at < $1::timestamptz - interval '1 day'
        OR last_failure_at < $1::timestamptz - interval '90 days'`,
    [now],
  );
}

/** A right password: the attempt is refunded (IP and account); earlier failures stay counted. */
export async function refundAttempt(tx: Tx, reservation: Reservation): Promise<void> {
  await refundCounter(tx, reservation.keys.ip, reservation.at, reservation.before.ip);
  await refundCounter(tx, reservation.keys.account, reservation.at, reservation.before.account);
}

/** A completed sign-in (password and code): the IP gets back the attempt, the account starts afresh. */
export async function clearAfterSignIn(tx: Tx, reservation: Reservation): Promise<void> {
  await refundCounter(tx, reservation.keys.ip, reservation.at, reservation.before.ip);
  await tx.query('UPDATE login_throttle SET failures = 0 WHERE key = $1', [reservation.keys.account]);
}

/** Consecutive failures charged to the account (for the lockout threshold). */
export async function accountFailures(tx: Tx, keys: ThrottleKeys): Promise<number> {
  const rows = await tx.query<{ failures: number }>('SELECT failures FROM login_throttle WHERE key = $1', [keys.account]);
  return rows[0]?.failures ?? 0;
}

/** Admin unlock: the account's counter starts afresh. */
export async function clearAccountThrottle(tx: Tx, email: string): Promise<void> {
  await tx.query('DELETE FROM login_throttle WHERE key = $1', [`account:${sha256Hex(email)}`]);
}
