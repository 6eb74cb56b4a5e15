/**
 * The entry list sorts by a chosen column in SQL and pages by (key, id): recorded time and
 * severity need an index each, or every page would sort all entries (100,000 and more). The
 * severity index is on its rank, the exact expression the query orders by
 * (store/queries/shift-logs.ts `severityRank`), so the planner can walk it.
 */
export const sql = String.raw`
CREATE INDEX log_entry_by_recorded ON log_entry (recorded_at, id);
CREATE INDEX log_entry_by_severity_rank ON log_entry ((CASE severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END), id);
`;
