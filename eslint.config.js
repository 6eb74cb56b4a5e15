// Lint: TypeScript hygiene plus the runtime boundaries of ARCHITECTURE.md, enforced here so that
// "may I import X from here?" has one answer (checked by tests/unit/lint-boundaries.test.ts).
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'child_process', 'os', 'url', 'worker_threads', 'net', 'http', 'https', 'stream', 'events', 'util'];
const noNode = nodeBuiltins.map((name) => ({ group: [name], message: 'This runtime has no Node built-ins (ARCHITECTURE.md).' }));
const noElectron = [{ group: ['electron', 'electron/*'], message: 'Only main/electron and preload may import electron.' }];
const noReact = [{ group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'shared/ is UI-free.' }];

/** Folders a file in `target` may not import from (paths relative to the repo root). */
const zone = (target, from, message) => ({ target, from, message });
const boundaryZones = [
  zone('./shared', ['./main', './renderer', './preload', './server', './tests', './bench'], 'shared/ imports nothing but its own files and pure packages.'),
  zone('./main/core', ['./main/electron', './main/cli', './renderer', './preload', './server', './tests'], 'main/core may import shared/ and its npm dependencies only.'),
  zone('./main/electron', ['./main/cli', './renderer', './server', './tests'], 'main/electron may import main/core and shared/.'),
  zone('./main/cli', ['./main/electron', './renderer', './preload', './server', './tests'], 'main/cli may import main/core and shared/.'),
  zone('./preload', ['./main', './renderer', './server', './tests'], 'preload may import shared/ and electron only.'),
  zone('./renderer', ['./main', './preload', './server', './tests'], 'renderer may import shared/ only (types of the contract).'),
  zone('./server', ['./main', './renderer', './preload', './tests'], 'server may import shared/ and its npm dependencies only.'),
];

const restrictImports = (patterns) => ['error', { patterns }];
// What ships is what is tested: the app, the CLI and the e2e world build the core only through
// the composition root (main/core/workstation.ts), never with createCore and options of their own.
const noBareCore = [{ group: ['**/core/core', '**/core/core.ts', '../core'], importNames: ['createCore'], message: 'Build the workstation core with createWorkstationCore (main/core/workstation.ts): one composition for the app, the CLI and the e2e tests.' }];

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-results/', 'playwright-report/', '.data/', ] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.node.json', 'tsconfig.web.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones, basePath: import.meta.dirname }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  { files: ['shared/**'], rules: { 'no-restricted-imports': restrictImports([...noNode, ...noElectron, ...noReact]) } },
  { files: ['main/core/**', 'main/cli/**', 'server/**'], rules: { 'no-restricted-imports': restrictImports(noElectron) } },
  { files: ['main/core/host/**', 'main/cli/**'], rules: { 'no-restricted-imports': restrictImports([...noElectron, ...noBareCore]) } },
  { files: ['main/electron/**', 'tests/e2e/**'], rules: { 'no-restricted-imports': restrictImports(noBareCore) } },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } }, rules: { 'no-restricted-imports': restrictImports([...noNode, ...noElectron]) } },
  { files: ['preload/**'], rules: { 'no-restricted-imports': restrictImports(noNode) } },
);
