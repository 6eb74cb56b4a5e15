/**
 * Benchmarks print readable lines while they run and, last, one JSON object (API.md):
 * {"bench", "size", "metrics", "goals": {NAME: {value, goal, met}}, "met"}.
 * Goals compare ratios against a baseline measured in the same run, or absolute targets the
 * issue names; nothing here is a test.
 */
export type GoalDirection = 'atLeast' | 'atMost';

export interface Goal {
  value: number;
  goal: number;
  direction: GoalDirection;
  met: boolean;
}

export interface BenchReport {
  bench: string;
  size: number;
  metrics: Record<string, number | string>;
  goals: Record<string, { value: number; goal: number; met: boolean }>;
  met: boolean;
}

export function goal(value: number, target: number, direction: GoalDirection): Goal {
  return { value, goal: target, direction, met: direction === 'atLeast' ? value >= target : value <= target };
}

export function makeReport(bench: string, size: number, metrics: BenchReport['metrics'], goals: Record<string, Goal>): BenchReport {
  const plainGoals = Object.fromEntries(
    Object.entries(goals).map(([name, g]) => [name, { value: round(g.value), goal: g.goal, met: g.met }]),
  );
  return { bench, size, metrics, goals: plainGoals, met: Object.values(goals).every((g) => g.met) };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function percentile(sortedOrNot: number[], p: number): number {
  if (sortedOrNot.length === 0) return Number.NaN;
  const sorted = [...sortedOrNot].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export interface BenchOptions {
  size: number | undefined;
}

/** Each bench module exports `run(options)` and a default size. */
export interface BenchModule {
  defaultSize: number;
  run(options: { size: number }): Promise<BenchReport>;
}

/** A small deterministic generator (mulberry32): the same seed asks the same questions in every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
