#!/usr/bin/env node
// `npm start`: the reference server with the demo tenant on embedded PGlite, then the desktop
// app pointed at it. Where the Electron binary is not installed, the server keeps running and
// this says so.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../tests/support/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);

if (!existsSync(path.join(root, 'out/main/index.js'))) {
  const build = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(bin('tsx'), ['server/main.ts', '--demo', ...process.argv.slice(2)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const stopServer = () => server.kill('SIGTERM');
process.on('SIGINT', stopServer);
process.on('SIGTERM', stopServer);
server.on('exit', (code) => process.exit(code ?? 0));

let launched = false;
server.stdout.setEncoding('utf8');
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const match = /plantdesk-server listening on (http:\/\/\S+)/.exec(chunk);
  if (!match || launched) return;
  launched = true;
  const electron = electronBinary();
  if (!electron.path) {
    console.log(`\nThe desktop app cannot start here: ${electron.reason}.`);
    console.log(`The server keeps running at ${match[1]} (demo credentials are in its data folder). Ctrl-C stops it.`);
    return;
  }
  const app = spawn(electron.path, [path.join(root, 'out/main/index.js')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PLANTDESK_SERVER_URL: match[1] },
  });
  app.on('exit', stopServer);
});
