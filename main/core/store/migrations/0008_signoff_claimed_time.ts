/**
 * Sign-offs as the server vouches for them: signed_at is the server's receipt time and the
 * workstation's own clock reading is kept beside it. Signatures made before have none (NULL).
 */
export const sql = String.raw`
ALTER TABLE signoff ADD COLUMN claimed_signed_at TEXT;
`;
