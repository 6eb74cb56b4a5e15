import { Worker } from 'node:worker_threads';
import { PlantdeskError, toErrorBody } from '../../../shared/errors';
import type { ChooseExportPath } from '../exports/service/export-service';
import type { KeychainRunner } from '../secrets/keychain';
import type { Core, ContractEventListener, CoreOptions } from '../core';
import type { CoreWorkerData, FromCoreMessage, ToCoreMessage, WorkerTestSeams } from './protocol';
import { coreEndDetails, describeCoreError, type CoreEnd } from './core-end';

export interface CoreWorkerOptions {
  /** The built worker entry (worker.ts compiled), or a loader that imports worker.ts under plain Node. */
  workerUrl: URL;
  core: CoreOptions;
  /** Runs keychain operations for the core (the packaged app's utilityProcess helper). */
  keychainRunner?: KeychainRunner;
  /** Asks where to save an export (the app's save dialog, owned by the main process). */
  chooseExportPath?: ChooseExportPath;
  /** Shows a file in the system file manager (the app's shell). */
  revealInFolder?: (path: string) => void;
  /** Opens a single sign-on page in the system browser (the app's shell). */
  openExternal?: (url: string) => void;
  /** Tests only: the named seams (the app passes none). */
  testSeams?: WorkerTestSeams;
  /** Told once, with why, when the core's thread ends without having been closed. */
  onUnexpectedEnd?: (end: CoreEnd) => void;
}

/**
 * Starts the core on its own thread and returns the same Core interface the inline core has,
 * so the IPC router does not know or care where the engine runs.
 */
export async function startCoreWorker(options: CoreWorkerOptions): Promise<Core> {
  const worker = new Worker(options.workerUrl, {
    workerData: {
      options: options.core,
      hostKeychain: options.keychainRunner !== undefined,
      hostSavePath: options.chooseExportPath !== undefined,
      hostReveal: options.revealInFolder !== undefined,
      hostOpenExternal: options.openExternal !== undefined,
      testSeams: options.testSeams,
    } satisfies CoreWorkerData,
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const listeners = new Set<ContractEventListener>();
  let nextId = 1;
  let closing = false;
  // Set once the thread has ended; every later call is refused with the same reason.
  let ended: CoreEnd | null = null;
  // Until the core says it is ready, an end fails the start instead of a call.
  let failStart: ((error: PlantdeskError) => void) | null = null;

  const unavailable = () => new PlantdeskError('core_unavailable', undefined, ended ? coreEndDetails(ended) : undefined);
  // A thread that fails emits 'error' and then 'exit': the error says why, so it is the one kept.
  // Kind, code and place only, never the message, whether it fails at start or later.
  const endWith = (end: CoreEnd) => {
    if (ended) return;
    ended = end;
    if (!closing) options.onUnexpectedEnd?.(end);
    failStart?.(unavailable());
    for (const { reject } of pending.values()) reject(unavailable());
    pending.clear();
  };
  worker.on('error', (error) => endWith(describeCoreError(error)));
  worker.on('exit', (exitCode) => endWith({ kind: 'exit', exitCode }));

  await new Promise<void>((resolve, reject) => {
    failStart = reject;
    worker.once('message', (message: FromCoreMessage) => {
      failStart = null;
      if (message.type === 'ready') resolve();
      else reject(new PlantdeskError('core_unavailable'));
    });
  });

  worker.on('message', (message: FromCoreMessage) => {
    if (message.type === 'event') {
      for (const listener of listeners) listener(message.event);
    } else if (message.type === 'keychain' && options.keychainRunner) {
      options.keychainRunner(message.ops, message.timeoutMs).then(
        (results) => worker.postMessage({ type: 'keychain-result', id: message.id, results } satisfies ToCoreMessage),
        (error: unknown) => worker.postMessage({ type: 'keychain-result', id: message.id, error: toErrorBody(error) } satisfies ToCoreMessage),
      );
    } else if (message.type === 'save-path' && options.chooseExportPath) {
      options.chooseExportPath(message.suggestion).then(
        (path) => worker.postMessage({ type: 'save-path-result', id: message.id, path } satisfies ToCoreMessage),
        () => worker.postMessage({ type: 'save-path-result', id: message.id, path: null } satisfies ToCoreMessage),
      );
    } else if (message.type === 'reveal') {
      options.revealInFolder?.(message.path);
    } else if (message.type === 'open-external') {
      options.openExternal?.(message.url);
    } else if (message.type === 'result' || message.type === 'closed') {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.type === 'closed') waiter.resolve(undefined);
      else if (message.result.ok) waiter.resolve(message.result.value);
      else waiter.reject(PlantdeskError.fromBody(message.result.error));
    }
  });

  function request(message: ToCoreMessage): Promise<unknown> {
    if (ended) return Promise.reject(unavailable());
    return new Promise((resolve, reject) => {
      pending.set(message.id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  return {
    call: (channel, req) => request({ type: 'call', id: nextId++, channel, request: req }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (ended) return;
      closing = true;
      await request({ type: 'close', id: nextId++ });
      await worker.terminate();
    },
  };
}
