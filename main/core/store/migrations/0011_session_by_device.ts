/**
 * The audit trail names an event's device by the newest cached session on it: one index walk
 * per listed event instead of a scan of every session.
 */
export const sql = String.raw`
CREATE INDEX session_by_device ON session (device_id, created_at);
`;
