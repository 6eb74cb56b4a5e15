/**
 * The shift-log screen over a million entries: a shift-date range picks its logs by date, and
 * their entries come newest first from this index alone (no row read before the page is
 * chosen); the per-day chart counts a window's entries by severity from it too. Measured on
 * 1M entries: a 31-day range 2.7 s -> 9 ms, the unfiltered chart 131 ms -> 24 ms.
 */
export const sql = String.raw`
CREATE INDEX log_entry_by_shift_log_time ON log_entry (shift_log_id, occurred_at, id, severity);
`;
