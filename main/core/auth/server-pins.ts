import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { ServerKeySchema, type ServerKey } from '../../../shared/grant';
import { readProfileFile, setAsideDamaged } from '../profile/damaged-files';
import { profileNotices } from '../profile/profile-notices';
import { checkServerKeyConsistent } from './grant-verifier';

/**
 * Trust on first use for the server's grant-signing key: the first successful sign-in to a
 * server pins its key in the profile; a later sign-in that presents another key is refused
 * (server_key_changed) until a person removes this workstation's data for that server.
 * The key is public: the file protects integrity by living in the 0700 profile, not secrecy.
 *
 * A damaged pin file is set aside, never silently replaced: offline unlock for that server is
 * refused (server_key_set_aside) until an online sign-in, and that sign-in pins the key it is
 * shown and reports it as trusted anew, with its fingerprint, for a person to check.
 */
const PinFileSchema = z.strictObject({ server: z.string(), key: ServerKeySchema, pinnedAt: z.string() });

const pinFileName = (serverOrigin: string) => `${createHash('sha256').update(serverOrigin).digest('hex').slice(0, 32)}.json`;

/** SHA-256 of the raw public key, hex in pairs: what an administrator can read out to compare. */
export function serverKeyFingerprint(key: ServerKey): string {
  const hex = createHash('sha256').update(Buffer.from(key.publicKey, 'base64url')).digest('hex');
  return hex.match(/../g)!.join(':');
}

export class ServerPins {
  constructor(private readonly profileDir: string) {}

  private get dir(): string {
    return path.join(this.profileDir, 'servers');
  }

  private fileFor(serverOrigin: string): string {
    return path.join(this.dir, pinFileName(serverOrigin));
  }

  /** A pin file is sound when it parses and names the server its file name is made from. */
  private read(file: string): ServerKey | null {
    return readProfileFile(this.profileDir, file, 'server_pin', (text) => {
      const parsed = PinFileSchema.safeParse(JSON.parse(text));
      return parsed.success && pinFileName(parsed.data.server) === path.basename(file) ? parsed.data.key : null;
    });
  }

  private setAsideEarlier(serverOrigin: string): boolean {
    const name = pinFileName(serverOrigin);
    try {
      return readdirSync(this.dir).some((entry) => entry.startsWith(`${name}.damaged-`));
    } catch {
      return false;
    }
  }

  /** Checks every pin file (and the folder) at start, so damage is reported before anyone signs in. */
  checkAll(): void {
    let stat;
    try {
      stat = lstatSync(this.dir);
    } catch {
      return;
    }
    if (!stat.isDirectory()) {
      setAsideDamaged(this.profileDir, this.dir, 'server_pin');
      return;
    }
    for (const entry of readdirSync(this.dir)) {
      if (/^[0-9a-f]{32}\.json$/.test(entry)) this.read(path.join(this.dir, entry));
    }
  }

  /** The pinned key, null before the first sign-in; refused when the pin was damaged and set aside. */
  async get(serverOrigin: string): Promise<ServerKey | null> {
    const key = this.read(this.fileFor(serverOrigin));
    if (key) return key;
    if (this.setAsideEarlier(serverOrigin)) throw new PlantdeskError('server_key_set_aside');
    return null;
  }

  /** Pins on first use; afterwards only the same key is accepted. */
  async pinOrCheck(serverOrigin: string, presented: ServerKey, now: Date): Promise<ServerKey> {
    checkServerKeyConsistent(presented);
    const pinned = this.read(this.fileFor(serverOrigin));
    if (pinned) {
      if (pinned.publicKey !== presented.publicKey || pinned.keyId !== presented.keyId) throw new PlantdeskError('server_key_changed');
      return pinned;
    }
    const trustedAnew = this.setAsideEarlier(serverOrigin);
    const file = this.fileFor(serverOrigin);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ server: serverOrigin, key: presented, pinnedAt: now.toISOString() }), { mode: 0o600 });
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    if (trustedAnew) {
      const keyFingerprint = serverKeyFingerprint(presented);
      profileNotices(this.profileDir).add({
        code: 'server_key_trusted_anew',
        at: now.toISOString(),
        keptAs: null,
        server: serverOrigin,
        keyId: presented.keyId,
        keyFingerprint,
        message: `The record of ${serverOrigin}'s signing key on this workstation had been damaged, so this sign-in trusted the key the server presents now (key ${presented.keyId}, fingerprint ${keyFingerprint}). If your administrator does not confirm this fingerprint, stop and tell them.`,
      });
    }
    return presented;
  }

  async forget(serverOrigin: string): Promise<void> {
    await rm(this.fileFor(serverOrigin), { force: true });
  }
}
