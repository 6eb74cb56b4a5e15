import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core/core';
import { startCoreWorker } from '../../../main/core/host/client';
import { PlantdeskError } from '../../../shared/errors';
import { callerOf, cheapKdf } from '../../support/core-workstation';
import { repoRoot, runCli } from '../../support/processes';

// One process per profile: creating a cache deletes database files and renames key files, so a
// second engine on the same profile is refused with profile_in_use, naming who holds it.

const cores: Core[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshProfile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'plantdesk-lock-'));
  dirs.push(dir);
  return dir;
}

function coreOn(profileDir: string, profileUser: 'app' | 'cli'): Core {
  const core = createCore({ profileDir, appVersion: 'test', profileUser }, { kdf: cheapKdf });
  cores.push(core);
  return core;
}

function refusal(start: () => unknown): PlantdeskError {
  try {
    start();
  } catch (error) {
    return error as PlantdeskError;
  }
  throw new Error('the second core was not refused');
}

const holderSentence = (who: string, pid: number) => new RegExp(`^Plantdesk \\(${who}, process ${pid}, started at \\d{4}-\\d{2}-\\d{2}T[^)]+\\) is already using this profile\\.`);

describe('one process per profile', () => {
  it('a second core on a held profile is refused with profile_in_use naming the holder; after the first closes, a new one starts', async () => {
    const dir = freshProfile();
    const first = coreOn(dir, 'app');
    const error = refusal(() => coreOn(dir, 'cli'));
    expect(error).toBeInstanceOf(PlantdeskError);
    expect(error.code).toBe('profile_in_use');
    expect(error.message).toMatch(holderSentence('the app', process.pid));

    await first.close();
    expect(existsSync(path.join(dir, 'plantdesk.lock'))).toBe(false);
    const next = coreOn(dir, 'cli');
    expect(await callerOf(next)('session.status')).toMatchObject({ state: 'signed_out' });
  });

  it('the command line on a profile the app holds exits with code 5 and names the app', async () => {
    const dir = freshProfile();
    coreOn(dir, 'app');
    const result = await runCli(['status', '--profile', dir]);
    expect(result.code).toBe(5);
    expect(result.stderr.trim()).toMatch(new RegExp(`^plantdesk: ${holderSentence('the app', process.pid).source.slice(1)}`));
    // Refused before it touched anything: the app's lock is still the app's.
    expect(JSON.parse(readFileSync(path.join(dir, 'plantdesk.lock'), 'utf8'))).toMatchObject({ pid: process.pid, kind: 'app' });
  });

  it('a lock left by a process that was killed is taken over', async () => {
    const dir = freshProfile();
    const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fault/workstation/hold-profile-script.ts', dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk) => String(chunk).includes('holding') && resolve());
      child.once('exit', (code) => reject(new Error(`the holder exited early (${code})`)));
    });
    const held = refusal(() => coreOn(dir, 'app'));
    expect(held.code).toBe('profile_in_use');
    expect(held.message).toMatch(holderSentence('the command line', child.pid!));

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const core = coreOn(dir, 'app');
    expect(await callerOf(core)('session.status')).toMatchObject({ state: 'signed_out' });
    expect(JSON.parse(readFileSync(path.join(dir, 'plantdesk.lock'), 'utf8'))).toMatchObject({ pid: process.pid, kind: 'app' });
  });

  it("the app's core worker on a profile the command line holds starts, and answers every call with profile_in_use (the window can say so)", async () => {
    const dir = freshProfile();
    coreOn(dir, 'cli');
    const worker = await startCoreWorker({ workerUrl: new URL('../../support/core-worker-entry.mjs', import.meta.url), core: { profileDir: dir, appVersion: 'test', profileUser: 'app' } });
    cores.push(worker);
    const error = await worker.call('app.info', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PlantdeskError);
    expect((error as PlantdeskError).code).toBe('profile_in_use');
    expect((error as PlantdeskError).message).toMatch(holderSentence('the command line', process.pid));
  });
});
