/**
 * Back to FTS5's default of merging four segments at a time (0005 had set eight). Measured on
 * 1M entries with bench/store.bench.ts settings: eight wrote 2.3% fewer bytes but did not move
 * the encrypted/plain insert ratio (CPU 0.709 with four, 0.702 with eight: noise), while the
 * extra segments made multi-word and prefix searches ~40% slower at the median (common+rarer
 * word 3.7 -> 5.1 ms, prefix 4.1 -> 6.3 ms). Searches are interactive, bulk writes are not.
 */
export const sql = String.raw`
INSERT INTO log_entry_fts (log_entry_fts, rank) VALUES ('automerge', 4);
`;
