import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { electronTargets } from '../../../electron.vite.config';

const root = new URL('../../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1]);

// One Node major runs everything: the Electron the app ships embeds it, and the tests, the CLI,
// the server and the native module builds run on it. These keep the places that name it in step.
describe('toolchain versions', () => {
  it('builds for the Electron that package.json pins', () => {
    expect(electronTargets.electron).toBe(major(pkg.devDependencies.electron));
    expect(electronTargets.node).toMatch(/^node\d+\.\d+$/);
    expect(electronTargets.chrome).toMatch(/^chrome\d+$/);
  });

  it("develops on the Node major inside that Electron", () => {
    const electronNode = major(electronTargets.node.slice('node'.length));
    expect(pkg.engines.node).toMatch(new RegExp(`^>=${electronNode}\\.\\d+\\.\\d+ <${electronNode + 1}$`));
    expect(major(pkg.devDependencies['@types/node'])).toBe(electronNode);
    const nvmrc = readFileSync(new URL('.nvmrc', root), 'utf8').trim();
    expect(major(nvmrc)).toBe(electronNode);
    const script = readFileSync(new URL('scripts/use-node24.sh', root), 'utf8');
    expect(script).toContain(`_pd_version=${nvmrc}\n`);
  });

  it('the Node that CI installs satisfies engines, and is not older than the one inside Electron', () => {
    const nvmrc = readFileSync(new URL('.nvmrc', root), 'utf8').trim().split('.').map(Number);
    const floor = /^>=(\d+)\.(\d+)\.(\d+)/.exec(pkg.engines.node)!.slice(1).map(Number);
    const inElectron = electronTargets.node.slice('node'.length).split('.').map(Number);
    const atLeast = (a: number[], b: number[]) => a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : (a[2] ?? 0) >= (b[2] ?? 0);
    expect(atLeast(nvmrc, floor)).toBe(true);
    expect(atLeast(nvmrc, inElectron)).toBe(true);
  });
});
