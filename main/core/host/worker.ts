import { parentPort, workerData } from 'node:worker_threads';
import { toErrorBody } from '../../../shared/errors';
import { createCore } from '../core';
import type { CoreWorkerData, FromCoreMessage, ToCoreMessage } from './protocol';

// Entry point of the core's own thread: SQLite, crypto and sync run here, so the thread that
// routes IPC for the windows never waits on them.
if (!parentPort) throw new Error('core worker must be started with worker_threads');
const port = parentPort;
const { options } = workerData as CoreWorkerData;
const core = createCore({ ...options, coreHost: 'worker' });

const send = (message: FromCoreMessage) => port.postMessage(message);

core.onEvent((event) => send({ type: 'event', event }));

port.on('message', (message: ToCoreMessage) => {
  if (message.type === 'call') {
    core.call(message.channel, message.request).then(
      (value) => send({ type: 'result', id: message.id, result: { ok: true, value } }),
      (error: unknown) => send({ type: 'result', id: message.id, result: { ok: false, error: toErrorBody(error) } }),
    );
  } else if (message.type === 'close') {
    void core.close().finally(() => {
      send({ type: 'closed', id: message.id });
      port.close();
    });
  }
});

send({ type: 'ready' });
