import type { Channel, ContractEvent } from '../../../shared/contract';
import type { ErrorBody, Result } from '../../../shared/errors';
import type { KeychainOp, KeychainOpResult } from '../secrets/keychain';
import type { CoreOptions } from '../core';

/** Messages between the thread that owns windows and the thread that owns the core. */
export type ToCoreMessage =
  | { type: 'call'; id: number; channel: Channel; request: unknown }
  | { type: 'close'; id: number }
  | { type: 'keychain-result'; id: number; results?: KeychainOpResult[]; error?: ErrorBody };

export type FromCoreMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: ContractEvent }
  | { type: 'closed'; id: number }
  /** The core asks its host to run keychain operations (a packaged app cannot spawn plain Node). */
  | { type: 'keychain'; id: number; ops: KeychainOp[]; timeoutMs: number };

export interface CoreWorkerData {
  options: CoreOptions;
  /** True when the host serves keychain operations over the port ('keychain' messages). */
  hostKeychain: boolean;
}
