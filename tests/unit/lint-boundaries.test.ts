import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
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
    // The export engine never reaches into the service, the store or the session.
    ['main/core/exports/engine/probe.ts', "import { runExport } from '../service/exporters';\nexport const x = runExport;\n", 'import-x/no-restricted-paths'],
    ['main/core/exports/engine/probe.ts', "import { listAreas } from '../../store/queries/areas';\nexport const x = listAreas;\n", 'import-x/no-restricted-paths'],
    // Renderer features never import each other, at any depth; the layers below them never import a feature.
    ['renderer/src/features/audit/probe.ts', "import { shiftLogKeys } from '../shift-logs/api/queries';\nexport const x = shiftLogKeys;\n", 'import-x/no-restricted-paths'],
    ['renderer/src/features/sync/components/probe.ts', "import { PeopleScreen } from '../../users/components/PeopleScreen';\nexport const x = PeopleScreen;\n", 'import-x/no-restricted-paths'],
    ['renderer/src/workstation/probe.ts', "import { auditKeys } from '../features/audit/api/queries';\nexport const x = auditKeys;\n", 'import-x/no-restricted-paths'],
    ['renderer/src/lib/probe.ts', "import { AppProviders } from '../app/providers';\nexport const x = AppProviders;\n", 'import-x/no-restricted-paths'],
    // Workstation-wide data has one query key: a feature does not call the core for it itself.
    ['renderer/src/features/exports/api/probe.ts', "import { invoke } from '../../../lib/api';\nexport const x = () => invoke('areas.list', {});\n", 'no-restricted-syntax'],
    ['renderer/src/features/sync/api/probe.ts', "import { invoke } from '../../../lib/api';\nexport const x = () => invoke('session.status', {});\n", 'no-restricted-syntax'],
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
    ['main/core/exports/service/probe.ts', "import { exportToFile } from '../engine/export-to-file';\nexport const x = exportToFile;\n"],
    ['main/core/exports/engine/probe.ts', "import { AtomicFile } from './atomic-file';\nimport { csvRecord } from '../../../../shared/csv';\nexport const x = [AtomicFile, csvRecord];\n"],
    ['renderer/src/features/audit/probe.ts', "import { auditKeys } from './api/queries';\nimport { useAreas } from '../../workstation/areas';\nexport const x = [auditKeys, useAreas];\n"],
    ['renderer/src/app/probe.ts', "import { AuditScreen } from '../features/audit/components/AuditScreen';\nexport const x = AuditScreen;\n"],
  ])('%s: a legal import passes lint', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toEqual([]);
  });
});

describe('renderer features never import each other', () => {
  // Every folder under features/, so a feature added later is held to the rule as well.
  const features = readdirSync(new URL('../../renderer/src/features', import.meta.url), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  const pairs = features.map((feature, index) => [feature, features[(index + 1) % features.length]]);

  it.each(pairs)('features/%s importing features/%s fails lint', async (feature, other) => {
    const code = `import * as other from '../${other}/messages';\nexport const x = other;\n`;
    expect(await ruleIdsFor(`renderer/src/features/${feature}/probe.ts`, code)).toContain('import-x/no-restricted-paths');
  });
});
