import { useQuery } from '@tanstack/react-query';
import { useT } from '../../../i18n/i18n';
import { appInfoQuery, sessionStatusQuery } from '../api/queries';

/** The first screen: who is on this workstation, and what app is running. */
export function StartScreen() {
  const t = useT();
  const appInfo = useQuery(appInfoQuery());
  const session = useQuery(sessionStatusQuery());

  return (
    <main className="start-screen" aria-labelledby="start-title">
      <section className="card">
        <h1 id="start-title">{t('app.name')}</h1>
        <p className="lede">{t('app.tagline')}</p>
        <dl className="facts" aria-live="polite">
          <dt>{t('session.label')}</dt>
          <dd data-testid="session-state">
            {session.isPending ? t('session.checking') : session.isError ? t('session.unavailable') : t(`session.state.${session.data.state}`)}
          </dd>
          <dt>{t('connection.label')}</dt>
          <dd>{session.data ? t(session.data.online ? 'connection.online' : 'connection.offline') : t('common.none')}</dd>
        </dl>
        {appInfo.isError && (
          <p role="alert" className="error">
            {appInfo.error.message}
          </p>
        )}
      </section>
      <footer className="app-footer" data-testid="app-info">
        {appInfo.data ? t('app.footer', { version: appInfo.data.version, platform: appInfo.data.platform, arch: appInfo.data.arch, coreHost: appInfo.data.coreHost }) : t('app.name')}
      </footer>
    </main>
  );
}
