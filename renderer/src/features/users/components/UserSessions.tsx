import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { QueryState } from '../../../components/QueryState';
import { useRevokeSessions, userSessionsQuery, type SessionView, type UserView } from '../api/queries';
import { useErrorText } from '../hooks/useErrorText';
import { useSiteTime } from '../../../workstation/site-time';
import { useUsersT } from '../messages';
import { ConfirmDialog } from './ConfirmDialog';

type SessionState = 'active' | 'revoked' | 'expired';
const stateGlyph: Record<SessionState, string> = { active: '●', revoked: '⊘', expired: '○' };

export function sessionState(session: SessionView, now = Date.now()): SessionState {
  if (session.revoked_at) return 'revoked';
  const ended = [session.idle_expires_at, session.absolute_expires_at].some((at) => at !== null && Date.parse(at) <= now);
  return ended ? 'expired' : 'active';
}

/** A person's sessions with device, IP and last seen; revoke one or all (online only, confirmed). */
export function UserSessions(props: { user: UserView; canRevoke: boolean; offline: boolean; offlineNoteId: string }) {
  const t = useUsersT();
  const errorText = useErrorText();
  const time = useSiteTime();
  const sessions = useQuery(userSessionsQuery(props.user.id));
  const revoke = useRevokeSessions();
  const [confirming, setConfirming] = useState<{ kind: 'one'; session: SessionView } | { kind: 'all' } | null>(null);
  const [done, setDone] = useState(false);
  const rows = sessions.data ?? [];
  const anyActive = rows.some((session) => sessionState(session) === 'active');
  const deviceOf = (session: SessionView) => session.device_name ?? session.user_agent ?? t('unknownDevice');
  const blocked = props.offline ? props.offlineNoteId : undefined;
  const close = () => {
    revoke.reset();
    setConfirming(null);
  };
  const confirm = () => {
    if (!confirming) return;
    const request = confirming.kind === 'one' ? { sessionId: confirming.session.id } : { userId: props.user.id };
    revoke.mutate(request, {
      onSuccess: () => {
        setDone(true);
        setConfirming(null);
      },
    });
  };
  return (
    <section className="people-section" aria-labelledby="user-sessions-title">
      <div className="people-section-header">
        <h3 id="user-sessions-title">{t('sessionsSection')}</h3>
        {props.canRevoke && (
          <button type="button" className="danger" disabled={props.offline || !anyActive} aria-describedby={blocked} onClick={() => setConfirming({ kind: 'all' })}>
            {t('revokeAll')}
          </button>
        )}
      </div>
      {done && (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>
          {t('revoked')}
        </p>
      )}
      {!confirming && revoke.error ? (
        <p className="error" role="alert">
          {errorText(revoke.error)}
        </p>
      ) : null}
      <QueryState isPending={sessions.isPending} error={sessions.error} isEmpty={rows.length === 0} emptyText={t('sessionsEmpty')} onRetry={() => void sessions.refetch()}>
        <table className="people-grid sessions-table">
          <thead>
            <tr>
              <th scope="col">{t('colDevice')}</th>
              <th scope="col">{t('colIp')}</th>
              <th scope="col">{t('colLastSeen')}</th>
              <th scope="col">{t('colSession')}</th>
              {props.canRevoke && (
                <th scope="col">
                  <span className="visually-hidden">{t('colActions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((session) => {
              const state = sessionState(session);
              return (
                <tr key={session.id}>
                  <td title={session.user_agent ?? undefined}>
                    <span className="session-device">{deviceOf(session)}</span>
                    <span className="hint session-since">{t('since', { time: time.format(session.created_at) })}</span>
                  </td>
                  <td className="mono">{session.ip ?? '—'}</td>
                  <td>{session.last_seen_at ? time.format(session.last_seen_at) : t('never')}</td>
                  <td>
                    <span className={`session-state session-${state}`}>
                      <span aria-hidden="true">{stateGlyph[state]}</span> {t(`session_${state}`)}
                    </span>
                  </td>
                  {props.canRevoke && (
                    <td>
                      {state === 'active' && (
                        <button
                          type="button"
                          aria-label={t('revokeLabel', { device: deviceOf(session) })}
                          disabled={props.offline}
                          aria-describedby={blocked}
                          onClick={() => setConfirming({ kind: 'one', session })}
                        >
                          {t('revoke')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </QueryState>
      <ConfirmDialog
        open={confirming !== null}
        title={confirming?.kind === 'one' ? t('revokeOneTitle') : t('revokeAllTitle', { name: props.user.display_name })}
        text={confirming?.kind === 'one' ? t('revokeOneText', { device: deviceOf(confirming.session) }) : t('revokeAllText')}
        confirmLabel={confirming?.kind === 'one' ? t('revoke') : t('revokeAll')}
        danger
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={confirm}
        onClose={close}
      />
    </section>
  );
}
