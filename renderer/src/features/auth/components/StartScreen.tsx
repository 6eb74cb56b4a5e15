import { useQuery } from '@tanstack/react-query';
import { appInfoQuery, sessionStatusQuery } from '../api/queries';

const sessionLabels = {
  signed_out: 'Not signed in',
  locked: 'Locked',
  unlocked: 'Signed in',
} as const;

/** The first screen: who is on this workstation, and what app is running. */
export function StartScreen() {
  const appInfo = useQuery(appInfoQuery());
  const session = useQuery(sessionStatusQuery());

  return (
    <main className="start-screen" aria-labelledby="start-title">
      <section className="card">
        <h1 id="start-title">Plantdesk</h1>
        <p className="lede">Shift logs, people and audit records for your plant, online or offline.</p>
        <dl className="facts" aria-live="polite">
          <dt>Session</dt>
          <dd data-testid="session-state">
            {session.isPending ? 'Checking…' : session.isError ? 'Unavailable' : sessionLabels[session.data.state]}
          </dd>
          <dt>Connection</dt>
          <dd>{session.data ? (session.data.online ? 'Online' : 'Offline') : '—'}</dd>
        </dl>
        {appInfo.isError && (
          <p role="alert" className="error">
            {appInfo.error.message}
          </p>
        )}
      </section>
      <footer className="app-footer" data-testid="app-info">
        {appInfo.data
          ? `Plantdesk ${appInfo.data.version} · ${appInfo.data.platform}/${appInfo.data.arch} · engine: ${appInfo.data.coreHost}`
          : 'Plantdesk'}
      </footer>
    </main>
  );
}
