#!/usr/bin/env node
// The `plantdesk` command: runs main/cli on the same core the app uses, under plain Node.
import { readFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const { runCli } = await tsImport('../main/cli/main.ts', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
}, version);
