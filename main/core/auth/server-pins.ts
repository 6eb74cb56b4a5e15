import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PlantdeskError } from '../../../shared/errors';
import { ServerKeySchema, type ServerKey } from '../../../shared/grant';
import { checkServerKeyConsistent } from './grant-verifier';

/**
 * Trust on first use for the server's grant-signing key: the first successful sign-in to a
 * server pins its key in the profile; a later sign-in that presents another key is refused
 * (server_key_changed) until a person removes this workstation's data for that server.
 * The key is public: the file protects integrity by living in the 0700 profile, not secrecy.
 */
const PinFileSchema = z.strictObject({ server: z.string(), key: ServerKeySchema, pinnedAt: z.string() });

export class ServerPins {
  constructor(private readonly profileDir: string) {}

  private fileFor(serverOrigin: string): string {
    const name = createHash('sha256').update(serverOrigin).digest('hex').slice(0, 32);
    return path.join(this.profileDir, 'servers', `${name}.json`);
  }

  async get(serverOrigin: string): Promise<ServerKey | null> {
    let text: string;
    try {
      text = await readFile(this.fileFor(serverOrigin), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const parsed = PinFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.server !== serverOrigin) throw new PlantdeskError('store_corrupt', 'The pinned server key on this workstation is damaged. Remove this workstation\'s data for the server and sign in again.');
    return parsed.data.key;
  }

  /** Pins on first use; afterwards only the same key is accepted. */
  async pinOrCheck(serverOrigin: string, presented: ServerKey, now: Date): Promise<ServerKey> {
    checkServerKeyConsistent(presented);
    const pinned = await this.get(serverOrigin);
    if (pinned) {
      if (pinned.publicKey !== presented.publicKey || pinned.keyId !== presented.keyId) throw new PlantdeskError('server_key_changed');
      return pinned;
    }
    const file = this.fileFor(serverOrigin);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ server: serverOrigin, key: presented, pinnedAt: now.toISOString() }), { mode: 0o600 });
    const handle = await open(temp, 'r');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    return presented;
  }

  async forget(serverOrigin: string): Promise<void> {
    await rm(this.fileFor(serverOrigin), { force: true });
  }
}
