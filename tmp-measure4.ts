import { mkdtempSync } from 'node:fs';
import { clientOnlyBootstrap, encryptedTarget, logEntryRecordings, plainTarget, rekeyLimitSeconds, serveRecording } from './bench/bootstrap-parts';
async function main() {
  const rec = process.argv[2];
  const dir = mkdtempSync('/tmp/bbm/m4-');
  const served = await serveRecording(rec);
  const enc = encryptedTarget(`${dir}/enc`);
  const a = await clientOnlyBootstrap(served.url, enc);
  console.log('enc', a);
  const plain = plainTarget(`${dir}/plain`);
  const b = await clientOnlyBootstrap(served.url, plain);
  console.log('plain', b, 'ratio enc/plain', (b.seconds / a.seconds).toFixed(3));
  plain.close();
  const lim = rekeyLimitSeconds(plain.paths.database, dir);
  console.log('limit', lim, 'rows/s', Math.round(a.rows / lim.seconds), 'ratio client-only/limit', (lim.seconds / a.seconds).toFixed(3));
  const le = await logEntryRecordings(rec, `${dir}/le.bin`, `${dir}/anchor.jsonl`);
  console.log('log entry recordings', le.rows);
  await served.close();
  enc.lock();
}
main();
