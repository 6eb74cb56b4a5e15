import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The dependency rules of ARCHITECTURE.md are lint rules; these probes prove each rule fires
// on a deliberate violation (and stays quiet on a legal import), so the rules cannot rot.
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((message) => message.ruleId ?? message.message);
}

describe('runtime boundaries are enforced by lint', () => {
  it.each([
    ['shared/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports'],
    ['shared/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'no-restricted-imports'],
    ['shared/probe.ts', "import { createCore } from '../main/core/core';\nexport const x = createCore;\n", 'import-x/no-restricted-paths'],
    ['main/core/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'no-restricted-imports'],
    ['main/core/probe.ts', "import { isTrustedSender } from '../electron/sender-policy';\nexport const x = isTrustedSender;\n", 'import-x/no-restricted-paths'],
    ['renderer/src/probe.ts', "import { createCore } from '../../main/core/core';\nexport const x = createCore;\n", 'import-x/no-restricted-paths'],
    ['renderer/src/probe.ts', "import path from 'node:path';\nexport const x = path;\n", 'no-restricted-imports'],
    ['renderer/src/probe.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", 'no-restricted-imports'],
    ['server/probe.ts', "import { createCore } from '../main/core/core';\nexport const x = createCore;\n", 'import-x/no-restricted-paths'],
    ['preload/probe.ts', "import { createCore } from '../main/core/core';\nexport const x = createCore;\n", 'import-x/no-restricted-paths'],
    ['main/electron/probe.ts', "import { startTestBridge } from '../../tests/support/bridge/server';\nexport const x = startTestBridge;\n", 'import-x/no-restricted-paths'],
    // One composition root: the shipped hosts and the e2e world never build a bare core.
    ['main/electron/probe.ts', "import { createCore } from '../core/core';\nexport const x = createCore;\n", 'no-restricted-imports'],
    ['main/cli/probe.ts', "import { createCore } from '../core/core';\nexport const x = createCore;\n", 'no-restricted-imports'],
    ['main/core/host/probe.ts', "import { createCore } from '../core';\nexport const x = createCore;\n", 'no-restricted-imports'],
    ['tests/e2e/probe.ts', "import { createCore } from '../../main/core/core';\nexport const x = createCore;\n", 'no-restricted-imports'],
    // SQL only inside main/core/store.
    ['main/core/sync/probe.ts', "import type { SqliteDatabase } from '../store/open';\nexport const x = (db: SqliteDatabase) => db.prepare('SELECT 1').get();\n", 'no-restricted-syntax'],
    ['main/core/probe.ts', "import type { SqliteDatabase } from './store/open';\nexport const x = (db: SqliteDatabase) => db.exec('DELETE FROM outbox');\n", 'no-restricted-syntax'],
    ['main/cli/probe.ts', "export const x = (db: { pragma(s: string): unknown }) => db.pragma('journal_mode');\n", 'no-restricted-syntax'],
    ['main/core/sync/probe.ts', "import { statement } from '../store/queries/statements';\nexport const x = statement;\n", 'no-restricted-syntax'],
  ])('%s: a forbidden import fails lint', async (filePath, code, expectedRule) => {
    expect(await ruleIdsFor(filePath, code)).toContain(expectedRule);
  });

  it.each([
    ['renderer/src/probe.ts', "import type { Channel } from '../../shared/contract';\nexport type X = Channel;\n"],
    ['main/electron/probe.ts', "import { createWorkstationCore } from '../core/workstation';\nexport const x = createWorkstationCore;\n"],
    ['tests/e2e/probe.ts', "import type { Core } from '../../main/core/core';\nexport type X = Core;\n"],
    ['main/core/probe.ts', "import { calls } from '../../shared/contract';\nexport const x = calls;\n"],
    ['main/core/store/queries/probe.ts', "import type { SqliteDatabase } from '../open';\nimport { statement } from './statements';\nexport const x = (db: SqliteDatabase) => [db.prepare('SELECT 1').get(), statement];\n"],
    ['main/core/sync/probe.ts', "import { countPendingOutbox } from '../store/queries/outbox';\nexport const x = countPendingOutbox;\n"],
  ])('%s: a legal import passes lint', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toEqual([]);
  });
});
