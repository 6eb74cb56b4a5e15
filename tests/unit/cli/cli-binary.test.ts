import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const binary = new URL('../../../bin/plantdesk.mjs', import.meta.url).pathname;
const profile = mkdtempSync(path.join(tmpdir(), 'plantdesk-cli-'));

async function plantdesk(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [binary, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the plantdesk binary', () => {
  it('prints the version as JSON from the core', async () => {
    const result = await plantdesk('version', '--json', '--profile', profile);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ name: 'Plantdesk', coreHost: 'inline' });
  });

  it('exits 2 with a one-line hint on an unknown command', async () => {
    const result = await plantdesk('frobnicate');
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('plantdesk --help');
  });

  it('exits 2 on an option with no value', async () => {
    const result = await plantdesk('version', '--profile');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--profile needs a value');
  });

  it('shows help with examples for a command, exit 0', async () => {
    const result = await plantdesk('version', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('examples:');
  });
});
