import { beforeEach, describe, expect, it, vi } from 'vitest';
import { expectedApiKeys } from '../../../shared/api-shape';
import { channels } from '../../../shared/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../../../shared/ipc-channels';

// The preload runs inside Electron; here Electron's two preload modules are replaced by
// recorders so the exact object handed to exposeInMainWorld can be inspected.
const exposed = new Map<string, Record<string, unknown>>();
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
const invoke = vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, request: unknown) => invoke(channel, request),
    on: (channel: string, listener: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => listeners.get(channel)?.delete(listener),
  },
}));

describe('the preload', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('../../../preload/index');
  });

  it('exposes exactly one global, window.plantdesk', () => {
    expect([...exposed.keys()]).toEqual(['plantdesk']);
  });

  it('exposes exactly the contract: one key per domain with its methods, plus onEvent', () => {
    const api = exposed.get('plantdesk')!;
    const expected = expectedApiKeys(channels);
    expect(Object.keys(api).sort()).toEqual([...Object.keys(expected), 'onEvent'].sort());
    for (const [domain, methods] of Object.entries(expected)) {
      expect(Object.keys(api[domain] as object).sort()).toEqual([...methods].sort());
    }
  });

  it('invokes the prefixed IPC channel with the request, defaulting to an empty object', async () => {
    const api = exposed.get('plantdesk') as { app: { info: (request?: unknown) => Promise<unknown> } };
    await api.app.info();
    expect(invoke).toHaveBeenLastCalledWith(ipcChannelFor('app.info'), {});
  });

  it('hands event listeners the payload only, never the Electron event, and unsubscribes', () => {
    const api = exposed.get('plantdesk') as { onEvent: (name: string, listener: (...args: unknown[]) => void) => () => void };
    const received: unknown[][] = [];
    const unsubscribe = api.onEvent('session.changed', (...args) => received.push(args));
    const fakeElectronEvent = { sender: { send: () => {} }, ports: [] };
    for (const listener of listeners.get(IPC_EVENT_CHANNEL) ?? []) {
      listener(fakeElectronEvent, { name: 'session.changed', payload: { state: 'locked' } });
      listener(fakeElectronEvent, { name: 'other.event', payload: { x: 1 } });
    }
    expect(received).toEqual([[{ state: 'locked' }]]);
    unsubscribe();
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size ?? 0).toBe(0);
  });

  it('freezes the exposed object so page scripts cannot swap a method', () => {
    const api = exposed.get('plantdesk')!;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.app)).toBe(true);
  });
});
