/**
 * The full-text index merges its segments eight at a time instead of FTS5's default four: each
 * merge level rewrites (and, in the encrypted store, decrypts, re-encrypts and HMACs) every
 * index page once more, and with eight per level there are fewer levels. A search then reads
 * a few more segments, well within its budget (bench/store.bench.ts: full-text p95 stays a
 * fraction of its 30 ms goal at 1M entries).
 */
export const sql = String.raw`
INSERT INTO log_entry_fts (log_entry_fts, rank) VALUES ('automerge', 8);
`;
