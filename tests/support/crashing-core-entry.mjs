// A core thread that starts, then dies on its first call with an error whose message quotes
// data, as a fault deep in the engine would: the host must say why without repeating it.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', () => {
  const error = new Error('row 7 body: "valve V-12 leaking, see badge 4471"');
  error.code = 'SQLITE_CORRUPT';
  throw error;
});
parentPort.postMessage({ type: 'ready' });
