import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensurePrivateDir } from '../main/core/store/files';
import { openStoreDatabase } from '../main/core/store/open';
import { ftsQuery } from '../main/core/store/queries/search';
import { DEMO_SECTIONS } from '../server/demo/plant-layout';
import { categoryWeights, templates } from '../server/demo/shift-log-generator';
import { log, prng } from './lib';

/**
 * The full-text index alone, at a size the sync bench takes a quarter of an hour to reach:
 * `npx tsx bench/fts-probe.ts [ROWS]` (default 10,000,000) fills an encrypted cache's
 * log_entry_fts (the migrations' own definition) with text from the demo generator's
 * templates, areas and tags, in row order, 50,000 rows a statement as the first sync does;
 * then times each search shape the sync bench asks, as the app builds its MATCH, with variants
 * that tell FTS5's costs apart: the last word as a prefix or whole, and a rowid bound.
 * A diagnostic, not a bench with goals: no server, no join to log_entry, no scopes.
 */
const rows = Number(process.argv[2] ?? 10_000_000);
const rowsPerStatement = 50_000;
const rounds = 5;

const areas = DEMO_SECTIONS.flatMap((section) => section.areas);
let tagNumber = 100;
const tagsOf = areas.map((area) =>
  area.units.flatMap((_unit, unitIndex) => {
    tagNumber += 100;
    return area.tagPrefixes.flatMap((prefix, prefixIndex) => ['A', 'B'].map((suffix) => `${prefix}-${tagNumber + prefixIndex * 10 + unitIndex}${suffix}`));
  }),
);

function entryText(random: () => number, row: number): [body: string, tag: string, area: string, category: string] {
  const area = Math.floor(row / 40) % areas.length;
  let draw = random();
  let category = categoryWeights[categoryWeights.length - 1][0];
  for (const [name, weight] of categoryWeights) {
    if (draw < weight) {
      category = name;
      break;
    }
    draw -= weight;
  }
  const choices = templates[category];
  const template = choices[Math.floor(random() * choices.length)];
  const tag = tagsOf[area][Math.floor(random() * tagsOf[area].length)];
  let filled = 0;
  const body = template.replace(/%s/g, () => (filled++ === 0 ? tag : String(40 + Math.floor(random() * 60)))).replace(/%%/g, '%');
  return [body, tag, areas[area].name, category];
}

function median(list: number[]): number {
  return [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'plantdesk-fts-probe-'));
  ensurePrivateDir(join(dir, 'store'));
  const db = openStoreDatabase({ path: join(dir, 'store', 'cache.db'), cipher: { kind: 'encrypted', dataKey: randomBytes(32) }, backgroundCheckpoints: false });
  try {
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    const insert = db.prepare('INSERT INTO log_entry_fts (rowid, body, equipment_tag, area_name, category, amendments) VALUES (?, ?, ?, ?, ?, NULL)');
    const random = prng(7);
    const started = performance.now();
    for (let from = 0; from < rows; from += rowsPerStatement) {
      db.transaction(() => {
        for (let row = from; row < Math.min(rows, from + rowsPerStatement); row += 1) insert.run(row + 1, ...entryText(random, row));
      })();
    }
    const segments = (db.prepare('SELECT count(DISTINCT segid) AS n FROM log_entry_fts_idx').get() as { n: number }).n;
    log(`${rows.toLocaleString('en')} rows indexed in ${((performance.now() - started) / 1000).toFixed(1)} s, ${segments} segments`);

    const search = db.prepare('SELECT rowid FROM log_entry_fts WHERE log_entry_fts MATCH ? AND rowid > ? ORDER BY rowid DESC LIMIT 51').pluck();
    const area = (name: string) => `area_name : ("${name}")`;
    // Word pairs from different templates never meet: the AND walks both lists to their ends.
    const shapes: Record<string, string[]> = {
      'word, as typed (last word a prefix)': ['gearbox', 'opacity', 'calibrated', 'visitor'].map((word) => ftsQuery(word)!),
      'word, whole': ['gearbox ', 'opacity ', 'calibrated ', 'visitor '].map((word) => ftsQuery(word)!),
      'common word + word of another template, as typed': ['running gearbox', 'load seal', 'normal spill', 'permit batch'].map((text) => ftsQuery(text)!),
      'common word + word of another template, whole': ['running gearbox ', 'load seal ', 'normal spill ', 'permit batch '].map((text) => ftsQuery(text)!),
      'two words of one template': ['running normal', 'load rate', 'near tested'].map((text) => ftsQuery(text)!),
      'common word in an area, as typed': [['running', 'Boiler House'], ['load', 'Tank Farm'], ['near', 'Warehouse']].map(([word, name]) => `(${ftsQuery(word)}) AND ${area(name)}`),
      'common word in an area, whole': [['running ', 'Boiler House'], ['load ', 'Tank Farm'], ['near ', 'Warehouse']].map(([word, name]) => `(${ftsQuery(word)}) AND ${area(name)}`),
      'four-letter prefix': ['gear', 'opac', 'cali', 'visi'].map((text) => ftsQuery(text)!),
      'equipment tag': [tagsOf[0][3], tagsOf[5][7], tagsOf[7][1]].map((tag) => ftsQuery(tag)!),
    };
    const newestTenth = Math.floor(rows * 0.9);
    log(`search shapes, newest first, a page of 51 (median / max of ${rounds} rounds, ms):`);
    for (const [shape, matches] of Object.entries(shapes)) {
      for (const [bound, label] of [[0, ''], [newestTenth, ', rowid within the newest tenth']] as const) {
        const times: number[] = [];
        let hits = 0;
        for (let round = 0; round < rounds; round += 1) {
          for (const match of matches) {
            const at = performance.now();
            hits += (search.all(match, bound) as number[]).length;
            times.push(performance.now() - at);
          }
        }
        log(`  ${`${shape}${label}`.padEnd(76)} ${median(times).toFixed(1).padStart(6)} / ${Math.max(...times).toFixed(1).padStart(6)}  (${(hits / times.length).toFixed(0)} a page)`);
      }
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
