// A workstation's first sync in its own process, for kill tests: unlocks the cache (real
// keychain), downloads the snapshot from the given server, and prints each step of progress.
import { ServerClient } from '../../../main/core/net/server-client';
import { createKeychainSecretStore } from '../../../main/core/secrets/keychain';
import { secretOwnerOf } from '../../../main/core/secrets/secret-owner';
import { bootstrapCache } from '../../../main/core/sync/bootstrap/bootstrap';
import { unlockVault } from '../../../main/core/vault/vault';

const [profileDir, server, userId, tenantId, password] = process.argv.slice(2);
const location = { profileDir, server, userId, tenantId };
const vault = await unlockVault(location, { secrets: createKeychainSecretStore(secretOwnerOf(location)), password });
const client = new ServerClient({ baseUrl: server, timeoutMs: 30_000 });
await bootstrapCache({ vault, client, token: 'kill-test', tenantId, now: () => new Date(), onProgress: (progress) => console.log(`progress ${JSON.stringify(progress)}`) });
console.log('done');
