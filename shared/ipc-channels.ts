/** Electron IPC channel names on the wire; the prefix keeps ours apart from Electron's own. */
export const ipcChannelFor = (channel: string) => `plantdesk:${channel}`;
export const IPC_EVENT_CHANNEL = 'plantdesk:event';
