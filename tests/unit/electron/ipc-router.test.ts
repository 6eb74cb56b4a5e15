import { describe, expect, it, vi } from 'vitest';
import { channels } from '../../../shared/contract';
import { ipcChannelFor } from '../../../shared/ipc-channels';
import type { Core } from '../../../main/core/core';
import { registerContractHandlers, type IpcMainLike } from '../../../main/electron/ipc-router';

type Listener = Parameters<IpcMainLike['handle']>[1];

/** Records handlers the way Electron's ipcMain would, so the router can be driven directly. */
function recordingIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  return { ipcMain, handlers };
}

const signedOut = { state: 'signed_out', online: false, user: null, tenantId: null, tenantName: null, server: null, grantNotAfter: null, lockReason: null, needsOnlineSignIn: false };

function fakeCore(answer: unknown = signedOut) {
  const call = vi.fn().mockResolvedValue(answer);
  const core: Core = { call, onEvent: () => () => {}, close: async () => {} };
  return { core, call };
}

const trustedFrame = { url: 'app://plantdesk/index.html', parent: null };

describe('the IPC router', () => {
  it('registers exactly one handler per contract channel, and removes them all', () => {
    const { ipcMain, handlers } = recordingIpcMain();
    const unregister = registerContractHandlers(ipcMain, fakeCore().core);
    expect([...handlers.keys()].sort()).toEqual(channels.map(ipcChannelFor).sort());
    unregister();
    expect(handlers.size).toBe(0);
  });

  it.each([
    ['another origin', { url: 'https://evil.example/', parent: null }],
    ['a subframe', { url: 'app://plantdesk/index.html', parent: trustedFrame }],
    ['no frame', null],
  ])('refuses a sender from %s with untrusted_sender and never calls the core', async (_label, senderFrame) => {
    const { ipcMain, handlers } = recordingIpcMain();
    const { core, call } = fakeCore();
    registerContractHandlers(ipcMain, core);
    const result = await handlers.get(ipcChannelFor('session.status'))!({ senderFrame }, {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'untrusted_sender' }) });
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses a payload that does not match the contract with invalid_request and never calls the core', async () => {
    const { ipcMain, handlers } = recordingIpcMain();
    const { core, call } = fakeCore();
    registerContractHandlers(ipcMain, core);
    const result = await handlers.get(ipcChannelFor('session.status'))!({ senderFrame: trustedFrame }, { asAdmin: true });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request' }) });
    expect(call).not.toHaveBeenCalled();
  });

  it('forwards a valid call from the app window to the core and returns its checked answer', async () => {
    const { ipcMain, handlers } = recordingIpcMain();
    const { core, call } = fakeCore();
    registerContractHandlers(ipcMain, core);
    const result = await handlers.get(ipcChannelFor('session.status'))!({ senderFrame: trustedFrame }, {});
    expect(call).toHaveBeenCalledWith('session.status', {});
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ state: 'signed_out' }) });
  });

  it('refuses an answer from the core that breaks the contract', async () => {
    const { ipcMain, handlers } = recordingIpcMain();
    registerContractHandlers(ipcMain, fakeCore({ state: 'root' }).core);
    const result = await handlers.get(ipcChannelFor('session.status'))!({ senderFrame: trustedFrame }, {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_response' }) });
  });
});
