/**
 * The latest time this cache has seen (the server's times, and the workstation's own clock at
 * each unlock): a clock set back behind it cannot reopen an expired offline window.
 */
export const sql = String.raw`
ALTER TABLE workstation_session ADD COLUMN clock_high_water TEXT;
`;
