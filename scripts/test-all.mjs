#!/usr/bin/env node
// `npm test`: every suite this machine can run, with one totals line at the end.
//
// Suites: lint, typecheck and build (one check each), vitest (unit, security, integration,
// fault, component), Playwright e2e in Chromium through the test bridge, and the packaged
// Electron shell suite, which needs the real Electron binary: where it is missing, its tests
// are listed by name as skipped, with the reason. Under CI=true a missing browser is a failure.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../tests/support/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const isCI = process.env.CI === 'true' || process.env.CI === '1';
const resultsDir = path.join(root, 'test-results');

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

// Keychain tests talk to a real Secret Service. Run everything inside a private D-Bus session
// with a throwaway, unlocked gnome-keyring and a temporary HOME, so no test ever touches the
// developer's own keychain.
if (process.env.PLANTDESK_TEST_SESSION !== '1' && have('dbus-run-session') && have('gnome-keyring-daemon')) {
  const home = mkdtempSync(path.join(tmpdir(), 'plantdesk-test-home-'));
  const unlock = randomBytes(12).toString('hex');
  const inner = `printf %s "$PLANTDESK_KEYRING_UNLOCK" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; unset PLANTDESK_KEYRING_UNLOCK; exec node "${fileURLToPath(import.meta.url)}"`;
  const run = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, HOME: home, PLANTDESK_TEST_SESSION: '1', PLANTDESK_KEYRING_UNLOCK: unlock },
  });
  rmSync(home, { recursive: true, force: true });
  process.exit(run.status ?? 1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const suiteLines = [];
const skippedNames = [];
const failedNames = [];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' }, ...options });
  return result.status === 0;
}

function heading(text) {
  process.stdout.write(`\n=== ${text} ===\n`);
}

function check(name, command, args) {
  heading(name);
  const ok = run(command, args);
  totals[ok ? 'passed' : 'failed'] += 1;
  if (!ok) failedNames.push(name);
  suiteLines.push(`${name}: ${ok ? 'passed' : 'FAILED'}`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function vitestSuite() {
  heading('vitest (unit, security, integration, fault, component)');
  const report = path.join(resultsDir, 'vitest.json');
  rmSync(report, { force: true });
  const ok = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const json = readJson(report);
  if (!json) {
    totals.failed += 1;
    failedNames.push('vitest (no report: the run crashed)');
    suiteLines.push('vitest: FAILED (no report)');
    return;
  }
  let passed = 0, failed = 0, skipped = 0;
  for (const file of json.testResults ?? []) {
    const relative = path.relative(root, file.name);
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') {
      failed += 1;
      failedNames.push(`${relative} (file failed to load)`);
    }
    for (const test of file.assertionResults ?? []) {
      const name = `${relative} > ${test.fullName ?? test.title}`;
      if (test.status === 'passed') passed += 1;
      else if (test.status === 'failed') { failed += 1; failedNames.push(name); }
      else { skipped += 1; skippedNames.push(name); }
    }
  }
  if (!ok && failed === 0) { failed += 1; failedNames.push('vitest exited non-zero'); }
  totals.passed += passed; totals.failed += failed; totals.skipped += skipped;
  suiteLines.push(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

function playwrightTitles(config) {
  const listed = spawnSync(bin('playwright'), ['test', '-c', config, '--list', '--reporter=list'], { cwd: root, encoding: 'utf8' });
  return (listed.stdout ?? '').split('\n').filter((line) => line.includes(' › ')).map((line) => line.trim());
}

function collectPlaywright(suites, file = '') {
  const rows = [];
  for (const suite of suites ?? []) {
    const here = suite.file ?? file;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) rows.push({ name: `${here} > ${spec.title}`, status: test.status });
    }
    rows.push(...collectPlaywright(suite.suites, here));
  }
  return rows;
}

function playwrightSuite(name, config, report, unavailableReason) {
  heading(name);
  if (unavailableReason) {
    const titles = playwrightTitles(config);
    if (isCI && name !== 'electron') {
      totals.failed += Math.max(1, titles.length);
      failedNames.push(`${name}: ${unavailableReason}`);
      suiteLines.push(`${name}: FAILED (${unavailableReason}; required under CI)`);
      return;
    }
    totals.skipped += titles.length;
    for (const title of titles) skippedNames.push(`${title}  [${unavailableReason}]`);
    const line = `${name}: ${titles.length} skipped (${unavailableReason})`;
    suiteLines.push(line);
    process.stdout.write(`${line}\n`);
    return;
  }
  rmSync(report, { force: true });
  const ok = run(bin('playwright'), ['test', '-c', config]);
  const json = readJson(report);
  const rows = json ? collectPlaywright(json.suites) : [];
  let passed = 0, failed = 0, skipped = 0;
  for (const row of rows) {
    if (row.status === 'expected' || row.status === 'flaky') passed += 1;
    else if (row.status === 'skipped') { skipped += 1; skippedNames.push(row.name); }
    else { failed += 1; failedNames.push(row.name); }
  }
  if (!ok && failed === 0) { failed += 1; failedNames.push(`${name} exited non-zero`); }
  totals.passed += passed; totals.failed += failed; totals.skipped += skipped;
  suiteLines.push(`${name}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

mkdirSync(resultsDir, { recursive: true });
// Which Node the suites run on (package.json's engines asks for 24; scripts/use-node24.sh gets it).
process.stdout.write(`node ${process.version} (${process.execPath})\n`);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
check('typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']);
check('typecheck (web)', bin('tsc'), ['-p', 'tsconfig.web.json', '--noEmit']);
check('typecheck (browser tests)', bin('tsc'), ['-p', 'tsconfig.browser-tests.json', '--noEmit']);
const built = check('build (electron-vite)', bin('electron-vite'), ['build']);
vitestSuite();

const chromium = process.env.PLANTDESK_CHROMIUM ?? '/usr/bin/chromium';
const browserMissing = existsSync(chromium) ? '' : `no Chromium at ${chromium}`;
playwrightSuite('e2e (Chromium + test bridge)', 'tests/e2e/playwright.config.ts', path.join(resultsDir, 'e2e/report.json'),
  browserMissing || (built ? '' : 'the build failed'));

const electron = electronBinary();
playwrightSuite('electron', 'tests/electron/playwright.config.ts', path.join(resultsDir, 'electron/report.json'),
  electron.path ? (built ? '' : 'the build failed') : electron.reason);

heading('summary');
for (const line of suiteLines) process.stdout.write(`${line}\n`);
if (skippedNames.length) {
  process.stdout.write(`\nskipped (${skippedNames.length}):\n`);
  for (const name of skippedNames) process.stdout.write(`  - ${name}\n`);
}
if (failedNames.length) {
  process.stdout.write(`\nfailed (${failedNames.length}):\n`);
  for (const name of failedNames) process.stdout.write(`  - ${name}\n`);
}
process.stdout.write(`\ntests run: ${totals.passed + totals.failed} (plus ${totals.skipped} skipped)\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
