import type { ReactNode } from 'react';
import type { SessionStatus } from '../../../shared/contract';
import { AccountControls } from '../features/auth/components/AccountControls';
import { useAuthT } from '../features/auth/messages';
import { formatTime } from '../i18n/format';
import { useLocaleStore } from '../i18n/i18n';
import { hrefFor, useRoute } from '../lib/router';
import { usePermissions } from '../workstation/access';
import { useSiteTime } from '../workstation/site-time';
import { useSyncState } from '../workstation/sync-state';
import { visibleModules } from './modules';
import './frame.css';

function ConnectionIndicator({ online }: { online: boolean }) {
  const t = useAuthT();
  return (
    <p className={`frame-connection ${online ? 'is-online' : 'is-offline'}`} role="status" data-testid="connection">
      <span className="visually-hidden">{t('connection')}: </span>
      <span aria-hidden="true" className="frame-glyph">
        {online ? '●' : '○'}
      </span>
      {online ? t('online') : t('offline')}
    </p>
  );
}

/**
 * Offline, said where it cannot be missed and for as long as it lasts: work goes on, kept on
 * this workstation, until the offline permit runs out (stated in the site's zone).
 */
function OfflineBanner({ grantNotAfter }: { grantNotAfter: string | null }) {
  const t = useAuthT();
  const siteTime = useSiteTime();
  return (
    <div className="frame-offline-banner" role="status" data-testid="offline-banner">
      <strong>{t('offlineBanner.title')}</strong> {t('offlineBanner.text')}{' '}
      {grantNotAfter && !siteTime.isPending && <span data-testid="offline-until">{t('offlineBanner.until', { time: siteTime.format(grantNotAfter) })}</span>}
    </div>
  );
}

/**
 * The outbox in words. "All changes synced" only when it is wholly true: nothing waiting, no
 * conflict open (a conflict is a change the server has not taken), and a sync has succeeded.
 */
function pendingInWords(t: ReturnType<typeof useAuthT>, state: { pending: number; conflicts: number; lastOkAt: string | null }): string {
  if (state.pending > 0) return t('pending', { count: state.pending });
  if (state.conflicts > 0 || state.lastOkAt === null) return t('nothingToSend');
  return t('allSynced');
}

/** Last sync, pending changes, a progress bar while a sync runs, and open conflicts. */
function SyncStatus() {
  const t = useAuthT();
  const locale = useLocaleStore((state) => state.locale);
  const { state, progress, running } = useSyncState();
  const siteZone = useSiteTime().tenantZone;
  const data = state.data;
  return (
    <section className="frame-sync" aria-label={t('syncStatus')} data-testid="sync-status">
      {running ? (
        <div className="frame-sync-progress">
          <span>
            <span aria-hidden="true" className="frame-glyph">
              ↻
            </span>
            {t('syncing')}
          </span>
          <progress aria-label={t('syncProgress')} value={progress?.total ? progress.done : undefined} max={progress?.total ?? undefined} />
          {progress && (
            <span data-testid="sync-rows" data-phase={progress.phase}>
              {progress.total !== null ? t(`syncRows.${progress.phase}`, { done: progress.done, total: progress.total }) : t(`syncRowsOpen.${progress.phase}`, { done: progress.done })}
            </span>
          )}
        </div>
      ) : (
        <span className="frame-last-sync" data-testid="last-sync">
          {/* One clock on every screen: the site's, as the data beside it. */}
          {data?.lastOkAt ? t('lastSync', { time: formatTime(data.lastOkAt, locale, siteZone) }) : t('neverSynced')}
        </span>
      )}
      {data && (
        <span className={`frame-pending ${data.pending > 0 ? 'has-pending' : ''}`} data-testid="pending-count" data-count={data.pending}>
          <span aria-hidden="true" className="frame-glyph">
            {data.pending > 0 ? '◔' : data.conflicts === 0 && data.lastOkAt !== null ? '✓' : '·'}
          </span>
          {pendingInWords(t, data)}
        </span>
      )}
      {/* Offline is already said by the connection indicator; other failures need a look. */}
      {!running && data?.lastError && data.lastError.code !== 'server_unreachable' && (
        <a className="frame-sync-error" href={hrefFor('sync')} title={data.lastError.message} data-testid="sync-error" data-error-code={data.lastError.code}>
          <span aria-hidden="true" className="frame-glyph">
            ⚠
          </span>
          {t('syncFailed')}
        </a>
      )}
      {data && data.conflicts > 0 && (
        <a className="frame-conflicts" href={hrefFor('sync')} data-testid="conflicts-badge">
          <span aria-hidden="true" className="frame-glyph">
            ⚠
          </span>
          {t('conflicts', { count: data.conflicts })}
        </a>
      )}
    </section>
  );
}

/** The frame around every screen once unlocked: modules the grant allows, connection, sync, account. */
export function AppFrame({ status, children }: { status: SessionStatus; children: ReactNode }) {
  const t = useAuthT();
  const route = useRoute();
  const permissions = usePermissions();
  const visible = visibleModules(permissions.can);
  return (
    <div className="app-frame">
      <a
        className="skip-link"
        href="#main-content"
        onClick={(event) => {
          // The hash is the route: move focus without touching it.
          event.preventDefault();
          document.getElementById('main-content')?.focus();
        }}
      >
        {t('skipToMain')}
      </a>
      <header className="frame-header">
        <span className="frame-brand">Plantdesk</span>
        <ConnectionIndicator online={status.online} />
        <SyncStatus />
        <AccountControls status={status} />
      </header>
      {!status.online && <OfflineBanner grantNotAfter={status.grantNotAfter} />}
      <nav aria-label={t('modules')} className="frame-nav">
        <ul>
          {visible.map((item) => (
            <li key={item.screen}>
              <a href={hrefFor(item.screen)} aria-current={route.screen === item.screen ? 'page' : undefined}>
                {t(`module.${item.screen}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main-content" className="frame-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
