import { EventEmitter } from 'node:events';
import type { AppInfo, CallResponse, Channel, ContractEvent, EventName, EventPayload, SessionStatus } from '../../shared/contract';
import { PlantdeskError } from '../../shared/errors';

export interface CoreOptions {
  /** The local data directory of this workstation profile. */
  profileDir: string;
  appVersion: string;
  /** Set when hosted by the Electron app; null under plain Node. */
  electronVersion?: string | null;
  coreHost?: AppInfo['coreHost'];
}

export type ContractEventListener = (event: ContractEvent) => void;

/**
 * The engine behind the contract. Transports hand it calls whose requests are already parsed
 * by the contract's schemas (shared/dispatch.ts); it answers plain values or throws a
 * PlantdeskError.
 */
export interface Core {
  call(channel: Channel, request: unknown): Promise<unknown>;
  onEvent(listener: ContractEventListener): () => void;
  close(): Promise<void>;
}

type Handlers = { [C in Channel]: (request: never) => Promise<CallResponse<C>> };

export function createCore(options: CoreOptions): Core {
  const emitter = new EventEmitter();
  let closed = false;

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    emitter.emit('event', { name, payload } satisfies ContractEvent<E>);
  }

  function sessionStatus(): SessionStatus {
    // No vault is opened in this profile yet, so nobody is signed in.
    return { state: 'signed_out', online: false, user: null, tenantId: null, grantNotAfter: null };
  }

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Plantdesk',
      version: options.appVersion,
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      electronVersion: options.electronVersion ?? null,
      coreHost: options.coreHost ?? 'inline',
    }),
    'session.status': async () => sessionStatus(),
  };

  return {
    async call(channel, request) {
      if (closed) throw new PlantdeskError('core_unavailable');
      const handler = handlers[channel] as ((request: unknown) => Promise<unknown>) | undefined;
      if (!handler) throw new PlantdeskError('unknown_channel');
      return handler(request);
    },
    onEvent(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      emit('session.changed', sessionStatus());
      emitter.removeAllListeners();
    },
  };
}
