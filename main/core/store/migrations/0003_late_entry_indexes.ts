/**
 * Late entries are few (a few percent) and a page of them would otherwise walk every entry of
 * an area in time order to find fifty. Partial indexes hold only them; the queries write the
 * condition as the literal `late = 1` so the planner can prove it may use them.
 */
export const sql = String.raw`
CREATE INDEX log_entry_late_by_occurred ON log_entry (occurred_at, id) WHERE late = 1;
CREATE INDEX log_entry_late_by_area ON log_entry (area_id, occurred_at, id) WHERE late = 1;
`;
