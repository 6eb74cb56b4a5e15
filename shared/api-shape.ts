/**
 * Builds the object exposed as `window.plantdesk` from the contract's channel names.
 *
 * It is deliberately self-contained (no imports, no closures over module state): the preload
 * calls it directly, and the test bridge inlines its source into the page, so both transports
 * produce exactly the same shape.
 */
export function buildPlantdeskApi(
  channelNames: readonly string[],
  invoke: (channel: string, request: unknown) => Promise<unknown>,
  subscribe: (eventName: string, listener: (payload: unknown) => void) => () => void,
): Record<string, unknown> {
  const api: Record<string, Record<string, unknown> | unknown> = {};
  for (const channel of channelNames) {
    const dot = channel.indexOf('.');
    const domain = channel.slice(0, dot);
    const method = channel.slice(dot + 1);
    const group = (api[domain] as Record<string, unknown> | undefined) ?? {};
    group[method] = (request?: unknown) => invoke(channel, request === undefined ? {} : request);
    api[domain] = group;
  }
  for (const group of Object.values(api)) Object.freeze(group);
  api.onEvent = (eventName: string, listener: (payload: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a listener function');
    return subscribe(eventName, listener);
  };
  return Object.freeze(api);
}

/** The keys `window.plantdesk` must have: one per contract domain, plus onEvent. */
export function expectedApiKeys(channelNames: readonly string[]): Record<string, string[]> {
  const keys: Record<string, string[]> = {};
  for (const channel of channelNames) {
    const [domain, method] = [channel.slice(0, channel.indexOf('.')), channel.slice(channel.indexOf('.') + 1)];
    (keys[domain] ??= []).push(method);
  }
  return keys;
}
