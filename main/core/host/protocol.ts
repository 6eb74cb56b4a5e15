import type { Channel, ContractEvent } from '../../../shared/contract';
import type { ErrorBody, Result } from '../../../shared/errors';
import type { KeychainOp, KeychainOpResult } from '../secrets/keychain';
import type { ChooseExportPath } from '../exports/service/export-service';

export type SaveSuggestion = Parameters<ChooseExportPath>[0];
import type { CoreOptions } from '../core';
import type { ScryptParams } from '../vault/key-wrap';

/** Messages between the thread that owns windows and the thread that owns the core. */
export type ToCoreMessage =
  | { type: 'call'; id: number; channel: Channel; request: unknown }
  | { type: 'close'; id: number }
  | { type: 'keychain-result'; id: number; results?: KeychainOpResult[]; error?: ErrorBody }
  | { type: 'save-path-result'; id: number; path: string | null };

export type FromCoreMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: ContractEvent }
  | { type: 'closed'; id: number }
  /** The core asks its host to run keychain operations (a packaged app cannot spawn plain Node). */
  | { type: 'keychain'; id: number; ops: KeychainOp[]; timeoutMs: number }
  /** The core asks its host where to save an export (the app's save dialog). */
  | { type: 'save-path'; id: number; suggestion: SaveSuggestion }
  /** The core asks its host to show an exported file in the system file manager. */
  | { type: 'reveal'; path: string }
  /** The core asks its host to open a single sign-on page in the system browser. */
  | { type: 'open-external'; url: string };

export interface CoreWorkerData {
  options: CoreOptions;
  /** True when the host serves keychain operations over the port ('keychain' messages). */
  hostKeychain: boolean;
  /** True when the host answers 'save-path' requests. */
  hostSavePath: boolean;
  /** True when the host handles 'reveal' messages. */
  hostReveal: boolean;
  /** True when the host handles 'open-external' messages. */
  hostOpenExternal?: boolean;
  /** The named test seams, as data a thread can receive (see WorkerTestSeams). */
  testSeams?: WorkerTestSeams;
}

/**
 * What tests may change in a core on its worker thread, and nothing else: the KDF cost, the
 * clock (epoch milliseconds in a shared buffer the host sets, so a test's manual clock reaches
 * the thread without a message round trip) and manual sync.
 */
export interface WorkerTestSeams {
  kdf?: ScryptParams;
  clock?: SharedArrayBuffer;
  manualSync?: boolean;
}
