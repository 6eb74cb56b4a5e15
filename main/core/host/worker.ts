import { parentPort, workerData } from 'node:worker_threads';
import { PlantdeskError, toErrorBody } from '../../../shared/errors';
import type { Core } from '../core';
import { createWorkstationCore, type WorkstationSeams } from '../workstation';
import { refusingCore } from './refusing-core';
import type { ChooseExportPath } from '../exports/service/export-service';
import { createKeychainSecretStore, type KeychainOpResult, type KeychainRunner } from '../secrets/keychain';
import type { CoreWorkerData, FromCoreMessage, ToCoreMessage } from './protocol';

// Entry point of the core's own thread: SQLite, crypto and sync run here, so the thread that
// routes IPC for the windows never waits on them.
if (!parentPort) throw new Error('core worker must be started with worker_threads');
const port = parentPort;
const { options, hostKeychain, hostSavePath, hostReveal, hostOpenExternal, testSeams } = workerData as CoreWorkerData;
// A clock the host sets (tests): epoch milliseconds in a shared buffer.
const hostClock = testSeams?.clock ? new Float64Array(testSeams.clock) : null;
const send = (message: FromCoreMessage) => port.postMessage(message);

// Keychain operations the host runs for us, by request id.
const keychainWaiters = new Map<number, { resolve: (results: KeychainOpResult[]) => void; reject: (error: Error) => void }>();
let nextKeychainId = 1;
const hostKeychainRunner: KeychainRunner = (ops, timeoutMs) =>
  new Promise((resolve, reject) => {
    const id = nextKeychainId++;
    keychainWaiters.set(id, { resolve, reject });
    send({ type: 'keychain', id, ops, timeoutMs });
  });

// Where to save an export: the host's dialog answers.
const savePathWaiters = new Map<number, (path: string | null) => void>();
let nextSavePathId = 1;
const hostChooseExportPath: ChooseExportPath = (suggestion) =>
  new Promise((resolve) => {
    const id = nextSavePathId++;
    savePathWaiters.set(id, resolve);
    send({ type: 'save-path', id, suggestion });
  });

const seams: WorkstationSeams = {
  ...(hostClock ? { now: () => new Date(hostClock[0]) } : {}),
  ...(testSeams?.kdf ? { kdf: testSeams.kdf } : {}),
  ...(testSeams?.manualSync ? { manualSync: true } : {}),
  ...(hostKeychain ? { secretStoreFor: (owner) => createKeychainSecretStore(owner, { runner: hostKeychainRunner }) } : {}),
  ...(hostSavePath ? { chooseExportPath: hostChooseExportPath } : {}),
  ...(hostReveal ? { revealInFolder: async (path: string) => send({ type: 'reveal', path }) } : {}),
  ...(hostOpenExternal ? { openExternal: async (url: string) => send({ type: 'open-external', url }) } : {}),
};
const core = startCore();

/** A core that cannot start (profile_in_use) answers every call with why, instead of ending the thread. */
function startCore(): Core {
  try {
    return createWorkstationCore({ ...options, coreHost: 'worker' }, seams);
  } catch (error) {
    if (error instanceof PlantdeskError) return refusingCore(error);
    throw error;
  }
}

core.onEvent((event) => send({ type: 'event', event }));

port.on('message', (message: ToCoreMessage) => {
  if (message.type === 'call') {
    core.call(message.channel, message.request).then(
      (value) => send({ type: 'result', id: message.id, result: { ok: true, value } }),
      (error: unknown) => send({ type: 'result', id: message.id, result: { ok: false, error: toErrorBody(error) } }),
    );
  } else if (message.type === 'keychain-result') {
    const waiter = keychainWaiters.get(message.id);
    keychainWaiters.delete(message.id);
    if (message.error) waiter?.reject(PlantdeskError.fromBody(message.error));
    else waiter?.resolve(message.results ?? []);
  } else if (message.type === 'save-path-result') {
    savePathWaiters.get(message.id)?.(message.path);
    savePathWaiters.delete(message.id);
  } else if (message.type === 'close') {
    void core.close().finally(() => {
      send({ type: 'closed', id: message.id });
      port.close();
    });
  }
});

send({ type: 'ready' });
