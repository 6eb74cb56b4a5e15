/**
 * The entry indexes end at the entry's local row number instead of its id. Every index entry
 * already carries the row number (SQLite appends the rowid), so lists that break ties on it page
 * from the index alone, while a 36-character id repeated in six indexes was a third of the
 * cache: 1M entries, 605 of the store's 1,059 MB were these indexes. A first sync builds each
 * index by sorting its keys in memory (never in a plaintext temp file), so the widest index also
 * set the sync's peak memory. Ties (entries of the same millisecond) now list in the order the
 * workstation received them, the same order on every page of a list.
 */
export const sql = String.raw`
DROP INDEX log_entry_by_occurred;
CREATE INDEX log_entry_by_occurred ON log_entry (occurred_at);
DROP INDEX log_entry_by_area;
CREATE INDEX log_entry_by_area ON log_entry (area_id, occurred_at);
DROP INDEX log_entry_by_author;
CREATE INDEX log_entry_by_author ON log_entry (author_id, occurred_at);
DROP INDEX log_entry_late_by_occurred;
CREATE INDEX log_entry_late_by_occurred ON log_entry (occurred_at) WHERE late = 1;
DROP INDEX log_entry_late_by_area;
CREATE INDEX log_entry_late_by_area ON log_entry (area_id, occurred_at) WHERE late = 1;
DROP INDEX log_entry_by_shift_log_time;
CREATE INDEX log_entry_by_shift_log_time ON log_entry (shift_log_id, occurred_at, severity);
DROP INDEX log_entry_by_recorded;
CREATE INDEX log_entry_by_recorded ON log_entry (recorded_at);
DROP INDEX log_entry_by_severity_rank;
CREATE INDEX log_entry_by_severity_rank ON log_entry ((CASE severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END));
`;
