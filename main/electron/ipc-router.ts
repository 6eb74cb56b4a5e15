import { channels, type ContractEvent } from '../../shared/contract';
import { dispatchCall } from '../../shared/dispatch';
import { PlantdeskError, type Result } from '../../shared/errors';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../../shared/ipc-channels';
import type { Core } from '../core/core';
import { isTrustedSender, type SenderFrame } from './sender-policy';


/** The part of Electron's ipcMain the router uses (so it can be tested without Electron). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: { senderFrame: SenderFrame | null }, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/**
 * The one IPC router: for every contract call, check the sender frame, then let the shared
 * dispatcher parse the request, run it on the core and check the answer. Handlers are core
 * methods; nothing else is registered.
 */
export function registerContractHandlers(ipcMain: IpcMainLike, core: Core): () => void {
  for (const channel of channels) {
    ipcMain.handle(ipcChannelFor(channel), async (event, payload): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.senderFrame)) {
        return { ok: false, error: new PlantdeskError('untrusted_sender').toBody() };
      }
      return dispatchCall(channel, payload, (checkedChannel, request) => core.call(checkedChannel, request));
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(ipcChannelFor(channel));
  };
}

/** Forwards core events to the windows that should see them. */
export function forwardCoreEvents(core: Core, send: (channel: string, event: ContractEvent) => void): () => void {
  return core.onEvent((event) => send(IPC_EVENT_CHANNEL, event));
}
