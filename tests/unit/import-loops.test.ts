import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The folders of the server and of the workstation core form layers (server: routes -> http ->
// auth -> grant, crypto, store; core: calls -> sync -> session -> net, store): no two folders
// import each other, directly or round a longer loop, type imports included. A loop means
// neither can be read, tested or replaced without the other.
const roots = { server: new URL('../../server', import.meta.url).pathname, 'main/core': new URL('../../main/core', import.meta.url).pathname };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** server/auth/sign-in.ts -> "auth"; server/errors.ts -> "errors". */
const partOf = (root: string, file: string) => path.relative(root, file).split(path.sep)[0].replace(/\.ts$/, '');

/** Which part imports which, with one file that does so for each edge. */
function importGraph(root: string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(root)) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.resolve(path.dirname(file), match[1]);
      if (!target.startsWith(root + path.sep)) continue;
      const [from, to] = [partOf(root, file), partOf(root, target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      if (!graph.get(from)!.has(to)) graph.get(from)!.set(to, path.relative(root, file));
    }
  }
  return graph;
}

/** Every loop, as the parts it passes through (depth-first search for back edges). */
function loopsOf(graph: Map<string, Map<string, string>>): string[][] {
  const loops: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (part: string) => {
    state.set(part, 'open');
    trail.push(part);
    for (const next of graph.get(part)?.keys() ?? []) {
      if (state.get(next) === 'open') loops.push([...trail.slice(trail.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    trail.pop();
    state.set(part, 'done');
  };
  for (const part of graph.keys()) if (!state.has(part)) visit(part);
  return loops;
}

describe('folders import each other in one direction only', () => {
  it('finds a loop when there is one (the check itself works)', () => {
    const graph = new Map([
      ['http', new Map([['auth', 'http/route.ts']])],
      ['auth', new Map([['grant', 'auth/issue-session.ts']])],
      ['grant', new Map([['http', 'grant/x.ts']])],
    ]);
    expect(loopsOf(graph)).toEqual([['http', 'auth', 'grant', 'http']]);
  });

  it.each(Object.entries(roots))('has no loop between the folders of %s/', (_name, root) => {
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(5);
    const described = loopsOf(graph).map((loop) => loop.map((part, i) => (i + 1 < loop.length ? `${part} (${graph.get(part)!.get(loop[i + 1])})` : part)).join(' -> '));
    expect(described).toEqual([]);
  });
});
