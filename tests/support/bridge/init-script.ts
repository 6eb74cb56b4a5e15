import { buildPlantdeskApi } from '../../../shared/api-shape';

interface InitScriptOptions {
  token: string;
  channels: readonly string[];
  bridgePath: string;
  tokenHeader: string;
}

/**
 * The page side of the test bridge: installs window.plantdesk before any app script runs, built
 * by the very same buildPlantdeskApi the preload uses (its source is inlined), but speaking
 * fetch + a server-sent event stream instead of Electron IPC.
 */
export function bridgeInitScript(options: InitScriptOptions): string {
  return `(() => {
  const options = ${JSON.stringify(options)};
  const buildPlantdeskApi = ${buildPlantdeskApi.toString()};
  const headers = { [options.tokenHeader]: options.token };
  const listeners = new Map();
  let streaming = false;

  async function readEvents() {
    const response = await fetch(options.bridgePath + '/events', { headers });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\\n\\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!frame.startsWith('data: ')) continue;
        const event = JSON.parse(frame.slice(6));
        for (const listener of listeners.get(event.name) ?? []) listener(event.payload);
      }
    }
  }

  const api = buildPlantdeskApi(
    options.channels,
    async (channel, request) => {
      const response = await fetch(options.bridgePath + '/call/' + encodeURIComponent(channel), {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      });
      return response.json();
    },
    (name, listener) => {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(listener);
      if (!streaming) {
        streaming = true;
        readEvents().catch(() => { streaming = false; });
      }
      return () => listeners.get(name).delete(listener);
    },
  );
  Object.defineProperty(window, 'plantdesk', { value: api, writable: false, configurable: false, enumerable: true });
})();`;
}
