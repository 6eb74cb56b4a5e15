import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
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

  it.each([
    ['shift-logs', ['--from', '1.11.2026'], 'shiftDateFrom'],
    ['shift-logs', ['--severity', 'apocalyptic'], 'severities.0'],
    ['audit', ['--from', 'last tuesday'], 'from'],
  ])('exits 2 on a %s filter its module does not take (%j), naming the field, before asking for a password', async (module, filter, field) => {
    const out = path.join(profile, 'never.csv');
    const result = await plantdesk('export', module, '--format', 'csv', '--out', out, ...filter, '--profile', profile);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`bad filter: ${field}`);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 naming every module and format when either is not one', async () => {
    const module = await plantdesk('export', 'payroll', '--format', 'csv', '--out', 'x.csv', '--profile', profile);
    expect(module.code).toBe(2);
    expect(module.stderr).toContain('name what to export: shift-logs, audit, users or sessions');
    const format = await plantdesk('export', 'users', '--format', 'pdf', '--out', 'x.pdf', '--profile', profile);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be csv, jsonl or xlsx');
  });

  it('shows help with examples for a command, exit 0', async () => {
    const result = await plantdesk('version', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('examples:');
  });
});
