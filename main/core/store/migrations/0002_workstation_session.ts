/**
 * The signed-in identity of this cache: the last verified offline grant and who it is for.
 * Kept inside the encrypted database, so that offline unlock can check the grant's signature
 * and window after the password has opened the file, and nobody can read it without both.
 */
export const sql = String.raw`
CREATE TABLE workstation_session (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  signed_grant TEXT NOT NULL CHECK (json_valid(signed_grant)),
  user TEXT NOT NULL CHECK (json_valid(user)),
  memberships TEXT NOT NULL CHECK (json_valid(memberships)),
  updated_at TEXT NOT NULL
) STRICT;
`;
