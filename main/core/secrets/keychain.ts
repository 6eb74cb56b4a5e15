import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { KeychainUnavailable, type KeychainFailure } from './errors';
import {
  keychainAccount,
  keychainService,
  normalizeOwner,
  purposeOfAccount,
  type SecretOwner,
  type SecretPurpose,
  type SecretStore,
} from './secret-store';

/**
 * The OS keychain through @napi-rs/keyring, one short-lived helper process per call.
 *
 * Why a process: the keyring binding connects to D-Bus synchronously, inside the Entry
 * constructor, even for its "async" API. Against a bus that accepts but never answers (a stuck
 * daemon, a locked collection waiting on a prompt nobody sees) that blocks the calling thread
 * for good: an AbortSignal never fires because the event loop is stuck, and a worker thread
 * blocked in native code cannot be terminated, so the process could not even exit. A child
 * process can always be killed, so every call has a hard deadline.
 *
 * Secrets travel over the helper's stdin/stdout pipes only, never argv or the environment.
 */

/** How to start a plain-Node process that runs the helper source given as the last argument. */
export interface KeychainLauncher {
  command: string;
  /** Arguments before `-e <helper source>`. */
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Runs keychain operations somewhere that can be killed, and answers their results or throws
 * KeychainUnavailable. The default is a child process (childProcessKeychainRunner); a host
 * where a child process cannot run plain Node (a packaged Electron app with the RunAsNode fuse
 * off) supplies its own, e.g. over an Electron utilityProcess running the same helper logic.
 */
export type KeychainRunner = (ops: KeychainOp[], timeoutMs: number) => Promise<KeychainOpResult[]>;

export interface KeychainStoreOptions {
  /** Hard deadline per keychain call; a call that has not answered by then is abandoned. */
  timeoutMs?: number;
  runner?: KeychainRunner;
}

export const defaultKeychainTimeoutMs = 15_000;

export type KeychainOp =
  | { op: 'get'; account: string }
  | { op: 'set'; account: string; secret: string }
  | { op: 'delete'; account: string }
  | { op: 'list' };

export type KeychainOpResult = { secret?: string | null; deleted?: boolean; accounts?: string[] };

type HelperResponse = { ok: true; results: KeychainOpResult[] } | { ok: false; message: string };

// Runs in the child: read one JSON request on stdin, answer one JSON response on stdout.
// Plain CommonJS so it needs no loader; on Linux the entry is pinned to the Secret Service so
// the library can never fall back to the kernel keyring (which does not survive a reboot).
export const keychainHelperSource = String.raw`'use strict';
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  let response;
  try {
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const keyring = require(request.module);
    const options = process.platform === 'linux' ? { linux: { store: 'secret-service' } } : undefined;
    const results = request.ops.map((op) => {
      if (op.op === 'list') return { accounts: keyring.findCredentials(request.service).map((c) => c.account) };
      const entry = new keyring.Entry(request.service, op.account, options);
      if (op.op === 'get') {
        const secret = entry.getSecret();
        return { secret: secret === null ? null : Buffer.from(secret).toString('base64') };
      }
      if (op.op === 'set') {
        entry.setSecret(Buffer.from(op.secret, 'base64'));
        return {};
      }
      if (op.op === 'delete') return { deleted: entry.deleteCredential() };
      throw new Error('unknown keychain operation');
    });
    response = { ok: true, results };
  } catch (error) {
    response = { ok: false, message: String((error && error.message) || error) };
  }
  process.stdout.write(JSON.stringify(response), () => process.exit(0));
});
`;

/** Plain Node from this same executable (Electron runs as Node through ELECTRON_RUN_AS_NODE). */
export function defaultKeychainLauncher(): KeychainLauncher {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The helper needs no loader, inspector or flags of the parent; they only slow it down.
  delete env.NODE_OPTIONS;
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return { command: process.execPath, args: [], env };
}

function keyringModulePath(): string {
  return createRequire(import.meta.url).resolve('@napi-rs/keyring');
}

export function classifyKeychainFailure(message: string): KeychainFailure {
  if (/locked|prompt|dismissed|user interaction|interaction not allowed/i.test(message)) return 'locked';
  if (/dbus|d-bus|connect|socket|no such file|autolaunch|not provided by any \.service|ServiceUnknown/i.test(message)) return 'unreachable';
  return 'platform';
}

/** Runs each batch of keychain operations in one short-lived helper process, killed at the deadline. */
export function childProcessKeychainRunner(launcher: KeychainLauncher = defaultKeychainLauncher()): KeychainRunner {
  return (ops, timeoutMs) => runInChildProcess(launcher, ops, timeoutMs);
}

function runInChildProcess(launcher: KeychainLauncher, ops: KeychainOp[], timeoutMs: number): Promise<KeychainOpResult[]> {
  const request = JSON.stringify({ module: keyringModulePath(), service: keychainService, ops });

  return new Promise<KeychainOpResult[]>((resolve, reject) => {
    let settled = false;
    const finish = (error: KeychainUnavailable | null, results?: KeychainOpResult[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(results ?? []);
    };

    const child = spawn(launcher.command, [...launcher.args, '-e', keychainHelperSource], {
      env: launcher.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new KeychainUnavailable({ reason: 'timeout', detail: `no answer from the keychain within ${timeoutMs} ms` }));
    }, timeoutMs);

    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => finish(new KeychainUnavailable({ reason: 'helper_failed', detail: error.message })));
    // A helper killed early closes its stdin under us; the 'close' handler reports it.
    child.stdin.on('error', () => undefined);
    child.on('close', (code, signal) => {
      let response: HelperResponse;
      try {
        response = JSON.parse(Buffer.concat(out).toString('utf8')) as HelperResponse;
      } catch {
        const stderr = Buffer.concat(err).toString('utf8').trim().slice(0, 500);
        finish(new KeychainUnavailable({ reason: 'helper_failed', detail: `helper exited (${signal ?? code}) ${stderr}`.trim() }));
        return;
      }
      if (response.ok) finish(null, response.results);
      else finish(new KeychainUnavailable({ reason: classifyKeychainFailure(response.message), detail: response.message }));
    });
    child.stdin.end(request);
  });
}

/** The SecretStore of one (server, user) in the OS keychain. */
export function createKeychainSecretStore(owner: SecretOwner, options: KeychainStoreOptions = {}): SecretStore {
  const normalized: SecretOwner = normalizeOwner(owner);
  const account = (purpose: SecretPurpose) => keychainAccount(normalized, purpose);
  const runner = options.runner ?? childProcessKeychainRunner();
  const timeoutMs = options.timeoutMs ?? defaultKeychainTimeoutMs;
  const run = (op: KeychainOp) => runner([op], timeoutMs).then((results) => results[0] ?? {});

  return {
    owner: normalized,
    async get(purpose) {
      const result = await run({ op: 'get', account: account(purpose) });
      return result.secret == null ? null : Buffer.from(result.secret, 'base64');
    },
    async set(purpose, secret) {
      if (secret.length === 0) throw new TypeError('refusing to store an empty secret');
      await run({ op: 'set', account: account(purpose), secret: Buffer.from(secret).toString('base64') });
    },
    async delete(purpose) {
      const result = await run({ op: 'delete', account: account(purpose) });
      return result.deleted === true;
    },
    async list() {
      const result = await run({ op: 'list' });
      const purposes = (result.accounts ?? []).map((a) => purposeOfAccount(normalized, a));
      return purposes.filter((p): p is SecretPurpose => p !== null);
    },
  };
}
