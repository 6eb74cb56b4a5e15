// A workstation engine in its own process, for kill tests: signs nothing in (the profile is
// already signed in), unlocks, queues entries, then syncs until killed. Prints progress lines.
import { createCore } from '../../../main/core/core';
import { dispatchCall } from '../../../shared/dispatch';

const [profileDir, password, shiftLogId, areaId, countText] = process.argv.slice(2);
const core = createCore({ profileDir, appVersion: 'kill-test', syncPageSize: 20 }, { kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1 } });
const call = async (channel: string, request: unknown = {}) => {
  const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}`);
  return result.value;
};

await call('auth.unlock', { password });
for (let i = 0; i < Number(countText); i++) {
  await call('logEntries.create', { shiftLogId, areaId, category: 'operations', severity: 'info', body: `from the killed process ${i}`, occurredAt: new Date().toISOString(), lateReason: 'kill test' });
}
console.log('queued');
core.onEvent((event) => {
  if (event.name === 'sync.progress') console.log(`progress ${JSON.stringify(event.payload)}`);
});
for (;;) await call('sync.now');
