import { utilityProcess } from 'electron';
import { KeychainUnavailable } from '../core/secrets/errors';
import { classifyKeychainFailure, type KeychainOpResult, type KeychainRunner } from '../core/secrets/keychain';

/**
 * The packaged app's KeychainRunner: each batch runs in a fresh utilityProcess (keychain-helper)
 * that is killed at the deadline, so a locked or hung keychain can never freeze the app.
 */
export function utilityProcessKeychainRunner(helperPath: string): KeychainRunner {
  return (ops, timeoutMs) =>
    new Promise<KeychainOpResult[]>((resolve, reject) => {
      const child = utilityProcess.fork(helperPath, [], { serviceName: 'Plantdesk keychain', stdio: 'ignore' });
      let settled = false;
      const finish = (error: KeychainUnavailable | null, results?: KeychainOpResult[]) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill();
        if (error) reject(error);
        else resolve(results ?? []);
      };
      const timer = setTimeout(
        () => finish(new KeychainUnavailable({ reason: 'timeout', detail: `no answer from the keychain within ${timeoutMs} ms` })),
        timeoutMs,
      );
      child.once('message', (response: { ok: boolean; results?: KeychainOpResult[]; message?: string }) => {
        if (response?.ok) finish(null, response.results);
        else finish(new KeychainUnavailable({ reason: classifyKeychainFailure(response?.message ?? ''), detail: response?.message ?? 'no answer' }));
      });
      child.once('exit', (code) => finish(new KeychainUnavailable({ reason: 'helper_failed', detail: `keychain helper exited (${code})` })));
      child.once('spawn', () => child.postMessage({ ops }));
    });
}
