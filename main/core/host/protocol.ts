import type { Channel, ContractEvent } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import type { CoreOptions } from '../core';

/** Messages between the thread that owns windows and the thread that owns the core. */
export type ToCoreMessage =
  | { type: 'call'; id: number; channel: Channel; request: unknown }
  | { type: 'close'; id: number };

export type FromCoreMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'event'; event: ContractEvent }
  | { type: 'closed'; id: number };

export interface CoreWorkerData {
  options: CoreOptions;
}
