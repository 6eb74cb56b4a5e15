import { contextBridge, ipcRenderer } from 'electron';
import { buildPlantdeskApi } from '../shared/api-shape';
import { channels } from '../shared/contract';
import { IPC_EVENT_CHANNEL, ipcChannelFor } from '../shared/ipc-channels';


const api = buildPlantdeskApi(
  channels,
  (channel, request) => ipcRenderer.invoke(ipcChannelFor(channel), request),
  (eventName, listener) => {
    // The page gets the payload only, never Electron's event object.
    const onMessage = (_event: unknown, message: { name?: unknown; payload?: unknown }) => {
      if (message && message.name === eventName) listener(message.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, onMessage);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onMessage);
    };
  },
);

contextBridge.exposeInMainWorld('plantdesk', api);
