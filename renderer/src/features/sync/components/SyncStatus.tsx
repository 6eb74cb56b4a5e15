import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { ErrorText, QueryState } from '../../../components/QueryState';
import { formatDateTime, formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { invoke } from '../../../lib/api';
import { syncNowActionId, usePaletteActions } from '../../../lib/palette';
import { syncIsRunning, useSyncActivity, useSyncProgress } from '../../../lib/sync-activity';
import { syncKeys, syncStateQuery } from '../api/queries';
import { useSyncT } from '../messages';
import { sessionStatusQuery } from '../../../workstation/session';
import { useSiteTime } from '../../../workstation/site-time';

/** The progress bar while a sync runs: from the core's 'sync.progress' events. */
function SyncProgress() {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const progress = useSyncActivity((state) => state.progress);
  const phase = progress ? t(`phase.${progress.phase}`) : null;
  const text = !progress
    ? t('progressStarting')
    : progress.total === null
      ? t('progressOpen', { phase: phase ?? '', done: formatNumber(progress.done, locale) })
      : t('progressCount', { phase: phase ?? '', done: formatNumber(progress.done, locale), total: formatNumber(progress.total, locale) });
  const determinate = progress !== null && progress.total !== null && progress.total > 0;
  return (
    <div className="sync-progress" data-testid="sync-progress">
      <progress aria-label={t('progressLabel')} aria-valuetext={text} max={determinate ? progress.total! : undefined} value={determinate ? progress.done : undefined} />
      <span aria-live="polite">{text}</span>
    </div>
  );
}

/** Online or not, the last good sync, what runs now, the last error; "Sync now". */
export function SyncStatus() {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const timeZone = useSiteTime().tenantZone;
  const queryClient = useQueryClient();
  const state = useQuery(syncStateQuery());
  const session = useQuery(sessionStatusQuery());
  const activity = useSyncProgress();
  const syncNow = useMutation({
    mutationFn: () => invoke('sync.now', {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: syncKeys.all }),
  });
  const titleId = useId();
  const offlineId = useId();
  const online = session.data?.online ?? false;
  const running = syncNow.isPending || syncIsRunning(state, activity);
  const when = (iso: string) => formatDateTime(iso, locale, timeZone);
  const startSync = syncNow.mutate;
  // The palette's "Sync now" runs this screen's sync, so its progress and result show here.
  usePaletteActions(
    useMemo(() => [{ id: syncNowActionId, label: t(online ? 'syncNow' : 'reconnect'), run: () => !running && startSync() }], [t, online, running, startSync]),
  );

  return (
    <section className="sync-section sync-status" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('statusTitle')}</h2>
      <QueryState isPending={state.isPending} error={state.error} onRetry={() => void state.refetch()}>
        {state.data && (
          <dl className="sync-facts">
            <dt>{t('connection')}</dt>
            <dd data-testid="sync-connection">
              <span aria-hidden="true">{online ? '●' : '○'}</span> {t(online ? 'online' : 'offline')}
            </dd>
            <dt>{t('lastOk')}</dt>
            <dd data-testid="sync-last-ok">{state.data.lastOkAt ? when(state.data.lastOkAt) : t('never')}</dd>
            <dt>{t('activity')}</dt>
            <dd>{t(running ? 'running' : 'idle')}</dd>
            <dt>{t('pending')}</dt>
            <dd data-testid="sync-pending">{formatNumber(state.data.pending, locale)}</dd>
            <dt>{t('lastError')}</dt>
            <dd data-testid="sync-last-error" className={state.data.lastError ? 'error' : undefined}>
              {state.data.lastError ? (
                <>
                  <span aria-hidden="true">⚠ </span>
                  {t('lastErrorAt', { message: state.data.lastError.message, time: when(state.data.lastError.at) })}
                </>
              ) : (
                t('noError')
              )}
            </dd>
          </dl>
        )}
        <div className="sync-now">
          <button type="button" className="button-primary" onClick={() => syncNow.mutate()} disabled={running} aria-describedby={online ? undefined : offlineId}>
            {/* Offline it stays usable: a sync attempt is how the workstation learns the server is back. */}
            {syncNow.isPending ? t('syncing') : online ? t('syncNow') : t('reconnect')}
          </button>
          {!online && (
            <span id={offlineId} className="sync-muted" data-testid="sync-offline-explain">
              {t('offlineExplain')}
            </span>
          )}
          {syncNow.data && !syncNow.isPending && (
            <span role="status">
              {t('syncDone', { pushed: syncNow.data.pushed, pulled: syncNow.data.pulled, conflicts: syncNow.data.conflicts })}
            </span>
          )}
        </div>
        <ErrorText error={syncNow.error} />
        {running && <SyncProgress />}
      </QueryState>
    </section>
  );
}
