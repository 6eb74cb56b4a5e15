#!/usr/bin/env node
// `npm run sbom`: a CycloneDX SBOM of the runtime dependencies, next to the build (out/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const result = spawnSync('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (result.status !== 0) {
  process.stderr.write(result.stderr);
  process.exit(result.status ?? 1);
}
const bom = JSON.parse(result.stdout);
mkdirSync('out', { recursive: true });
writeFileSync('out/sbom.cdx.json', `${JSON.stringify(bom, null, 2)}\n`);
console.log(`out/sbom.cdx.json: CycloneDX ${bom.specVersion}, ${bom.components?.length ?? 0} components`);
