// Lint: TypeScript hygiene plus the runtime boundaries of ARCHITECTURE.md, enforced here so that
// "may I import X from here?" has one answer (checked by tests/unit/lint-boundaries.test.ts).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'crypto', 'child_process', 'os', 'url', 'worker_threads', 'net', 'http', 'https', 'stream', 'events', 'util'];
const noNode = nodeBuiltins.map((name) => ({ group: [name], message: 'This runtime has no Node built-ins (ARCHITECTURE.md).' }));
const noElectron = [{ group: ['electron', 'electron/*'], message: 'Only main/electron and preload may import electron.' }];
const noReact = [{ group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'shared/ is UI-free.' }];

/** Folders a file in `target` may not import from (paths relative to the repo root); `except` is relative to `from`. */
const zone = (target, from, message, except) => ({ target, from, message, ...(except && { except }) });

/**
 * Renderer features never import each other: what two features share lives in the layer below
 * them (workstation/, components/, lib/, i18n/), and only app/ composes features. One zone per
 * folder found under features/, so a new feature is covered without touching this file.
 */
const featuresDir = './renderer/src/features';
function rendererFeatureZones() {
  const features = readdirSync(new URL(featuresDir, import.meta.url), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  return [
    ...features.map((feature) => zone(`${featuresDir}/${feature}`, [featuresDir], `features/${feature} may not import another feature: move what they share to renderer/src/workstation (or components/, lib/).`, [`./${feature}`])),
    zone(['./renderer/src/workstation', './renderer/src/components', './renderer/src/lib', './renderer/src/i18n'], [featuresDir, './renderer/src/app'], 'The layers under the features never import a feature or the app; only app/ composes features.'),
  ];
}

const boundaryZones = [
  zone('./shared', ['./main', './renderer', './preload', './server', './tests', './bench'], 'shared/ imports nothing but its own files and pure packages.'),
  zone('./main/core', ['./main/electron', './main/cli', './renderer', './preload', './server', './tests'], 'main/core may import shared/ and its npm dependencies only.'),
  zone('./main/electron', ['./main/cli', './renderer', './server', './tests'], 'main/electron may import main/core and shared/.'),
  zone('./main/cli', ['./main/electron', './renderer', './preload', './server', './tests'], 'main/cli may import main/core and shared/.'),
  zone('./preload', ['./main', './renderer', './server', './tests'], 'preload may import shared/ and electron only.'),
  zone('./renderer', ['./main', './preload', './server', './tests'], 'renderer may import shared/ only (types of the contract).'),
  zone('./server', ['./main', './renderer', './preload', './tests'], 'server may import shared/ and its npm dependencies only.'),
  // The export engine writes a table to a file and knows nothing of what is exported or by whom:
  // the service (store, permission, audit) uses it, never the other way round.
  zone('./main/core/exports/engine', ['./main/core'], 'The export engine may import only its own files and shared/: what to export belongs in main/core/exports/service.', ['./exports/engine']),
  ...rendererFeatureZones(),
];

const restrictImports = (patterns) => ['error', { patterns }];
// Workstation-wide data is read through renderer/src/workstation, so each has one cache key that
// the app's session and sync events refresh; a screen calling the core for it would cache a copy.
const workstationChannels = ['session.status', 'session.access', 'areas.list'];
const noOwnWorkstationQuery = workstationChannels.map((channel) => ({
  selector: `CallExpression[callee.name='invoke'][arguments.0.value='${channel}']`,
  message: `Read '${channel}' through renderer/src/workstation (one query key for every screen).`,
}));
// What ships is what is tested: the app, the CLI and the e2e world build the core only through
// the composition root (main/core/workstation.ts), never with createCore and options of their own.
const noBareCore = [{ group: ['**/core/core', '**/core/core.ts', '../core'], importNames: ['createCore'], message: 'Build the workstation core with createWorkstationCore (main/core/workstation.ts): one composition for the app, the CLI and the e2e tests.' }];

// All SQL of the workstation lives in main/core/store as named functions (Signal's sql/ is the
// model): everywhere else calls them, so a schema change has one place to look.
const sqlOnlyInStore = [
  {
    selector: "CallExpression[callee.property.name=/^(prepare|exec|pragma)$/]",
    message: 'SQL lives in main/core/store: add a named function there and call it (for a RegExp, use String#match).',
  },
  {
    selector: "ImportDeclaration[source.value=/store\\/queries\\/statements$/]",
    message: 'Prepared statements are the store\'s own: add a named function in main/core/store and call it.',
  },
];

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
  { files: ['main/**'], ignores: ['main/core/store/**'], rules: { 'no-restricted-syntax': ['error', ...sqlOnlyInStore] } },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } }, rules: { 'no-restricted-imports': restrictImports([...noNode, ...noElectron]) } },
  { files: ['preload/**'], rules: { 'no-restricted-imports': restrictImports(noNode) } },
  { files: ['renderer/src/features/**', 'renderer/src/app/**'], rules: { 'no-restricted-syntax': ['error', ...noOwnWorkstationQuery] } },
);
