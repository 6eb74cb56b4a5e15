import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { CallResponse } from '../../../../../shared/contract';
import { Dialog } from '../../../components/Dialog';
import { FieldList } from '../../../components/FieldList';
import { ErrorText, QueryState } from '../../../components/QueryState';
import { formatDate, formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { invoke } from '../../../lib/api';
import { conflictsQuery, syncKeys } from '../api/queries';
import { mutationInWords } from '../hooks/words';
import { useSyncT } from '../messages';
import { useAreas } from '../../../workstation/areas';
import { useSiteTime } from '../../../workstation/site-time';
import { hrefFor } from '../../../lib/router';
import { usePermissions } from '../../../workstation/access';
import { personName, type CardNames } from './card-names';
import { SignOffReview } from './SignOffReview';

type Conflict = CallResponse<'conflicts.list'>[number];

/** Text and a glyph for each reason: never colour alone. */
const reasonGlyph: Record<Conflict['reason'], string> = { conflict: '⇄', forbidden: '⛔', invalid: '⚠' };

/** The local intent as fields, without `id`: the client-made id of the row it would add says nothing to a person. */
function intentFields(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { value };
  const { id: _id, ...fields } = value as Record<string, unknown>;
  return fields;
}

type T = ReturnType<typeof useSyncT>;

/**
 * What happened, in the person's words: what the server found for a conflict, why it refused
 * otherwise. The server's own sentence is English; it stays available, folded, for support.
 */
function whatHappened(t: T, conflict: Conflict): string {
  if (conflict.reason !== 'conflict') return t(`refused.${conflict.reason}`);
  return t(`kind.${conflict.serverChange?.kind ?? 'changed_on_server'}`);
}

/** Who changed the row on the server last and when, from the server's trail; null when it did not say. */
function lastServerChange(t: T, conflict: Conflict, people: CardNames, time: (iso: string) => string): string | null {
  const change = conflict.serverChange;
  if (!change?.changedAt) return null;
  const at = time(change.changedAt);
  if (!change.changedBy) return t('changedAt', { time: at });
  if (change.changedBy === people.me) return t('changedByYouAt', { time: at });
  const name = people.names[change.changedBy];
  return name ? t('changedByAt', { name, time: at }) : t('changedByHiddenAt', { time: at });
}

function ConflictCard(props: { conflict: Conflict }) {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const timeZone = useSiteTime().tenantZone;
  const areas = useAreas().data;
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const titleId = useId();
  const retryHelpId = useId();
  const { conflict } = props;
  const me = usePermissions().access?.userId ?? null;
  const change = mutationInWords(t, conflict.name);
  const log = conflict.log;
  const logLabel = log && t('logLabel', { area: log.areaName ?? '—', date: formatDate(`${log.shiftDate}T12:00:00Z`, locale, 'UTC'), shift: log.shiftName });
  const people: CardNames = { names: conflict.people, me };
  const nameOf = (id: string) => personName(t, people, id);
  // The log's id stands for the log a person knows by area, date and shift.
  const recordName = (field: string, id: string) => (field === 'shift_log_id' && log && id === log.id ? (logLabel ?? undefined) : undefined);
  const lastChange = lastServerChange(t, conflict, people, (iso) => formatDateTime(iso, locale, timeZone));
  const settle = () => queryClient.invalidateQueries({ queryKey: syncKeys.all });
  const retry = useMutation({ mutationFn: () => invoke('conflicts.retry', { id: conflict.id }), onSettled: settle });
  const discard = useMutation({
    mutationFn: () => invoke('conflicts.discard', { id: conflict.id }),
    onSuccess: () => setConfirming(false),
    onSettled: settle,
  });
  const busy = retry.isPending || discard.isPending;

  return (
    <li className={`sync-conflict sync-conflict-${conflict.reason}`} aria-labelledby={titleId} data-testid="conflict">
      <header className="sync-conflict-header">
        <h3 id={titleId}>
          {change}
          {logLabel && <span className="sync-conflict-log"> · {logLabel}</span>}
        </h3>
        <span className="sync-reason" data-reason={conflict.reason}>
          <span aria-hidden="true">{reasonGlyph[conflict.reason]}</span> {t(`reason.${conflict.reason}`)}
        </span>
        <span className="sync-muted">{t('madeAt', { time: formatDateTime(conflict.createdAt, locale, timeZone) })}</span>
      </header>
      <p className="sync-conflict-message" data-testid="conflict-what">
        {whatHappened(t, conflict)}
        {lastChange && (
          <>
            {' '}
            <span data-testid="conflict-last-change">{lastChange}</span>
          </>
        )}
      </p>
      {log && !conflict.signOffReview && (
        <p>
          <a href={hrefFor('shift-logs', log.id)}>{t('openLog')}</a>
        </p>
      )}
      {conflict.message && (
        <details className="sync-server-words">
          <summary>{t('serverWords')}</summary>
          <p lang="en">{conflict.message}</p>
        </details>
      )}
      <div className="sync-sides">
        <section aria-label={t('localTitle')} className="sync-side" data-testid="conflict-local">
          <h4>{t('localTitle')}</h4>
          <FieldList record={intentFields(conflict.args)} areas={areas} nameOf={nameOf} recordName={recordName} timeZone={timeZone} />
        </section>
        <section aria-label={t('serverTitle')} className="sync-side" data-testid="conflict-server">
          <h4>{t('serverTitle')}</h4>
          {conflict.serverRow ? <FieldList record={conflict.serverRow} areas={areas} nameOf={nameOf} recordName={recordName} timeZone={timeZone} /> : <p className="sync-muted">{t('noServerRow')}</p>}
        </section>
      </div>
      {conflict.signOffReview && <SignOffReview conflictId={conflict.id} review={conflict.signOffReview} people={people} />}
      <div className="sync-conflict-actions">
        {!conflict.signOffReview && (
          <button type="button" onClick={() => retry.mutate()} disabled={busy} aria-describedby={retryHelpId}>
            {t('retry')}
          </button>
        )}
        <button type="button" className="sync-danger" onClick={() => setConfirming(true)} disabled={busy}>
          {t('discard')}
        </button>
        {!conflict.signOffReview && (
          <span id={retryHelpId} className="sync-muted">
            {t('retryHelp')}
          </span>
        )}
      </div>
      <ErrorText error={retry.error} />
      <Dialog open={confirming} title={t('discardTitle')} description={t('discardText', { change })} onClose={() => setConfirming(false)}>
        <ErrorText error={discard.error} />
        <div className="sync-dialog-actions">
          <button type="button" className="sync-danger" onClick={() => discard.mutate()} disabled={discard.isPending}>
            {t('discardConfirm')}
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            {t('keep')}
          </button>
        </div>
      </Dialog>
    </li>
  );
}

/** The conflicts inbox: nothing is resolved silently; each change waits for retry or discard. */
export function ConflictsInbox() {
  const t = useSyncT();
  const conflicts = useQuery(conflictsQuery());
  const titleId = useId();
  const count = conflicts.data?.length ?? 0;
  return (
    <section className="sync-section" aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t('conflictsTitle')}{' '}
        {conflicts.data && (
          <span className={count > 0 ? 'sync-badge sync-badge-alert' : 'sync-badge'} data-testid="conflicts-count">
            {t('conflictsCount', { count })}
          </span>
        )}
      </h2>
      <QueryState isPending={conflicts.isPending} error={conflicts.error} isEmpty={count === 0} emptyText={t('conflictsEmpty')} onRetry={() => void conflicts.refetch()}>
        <p className="sync-muted">{t('conflictsIntro')}</p>
        <ul className="sync-conflicts">
          {conflicts.data?.map((conflict) => (
            <ConflictCard key={conflict.id} conflict={conflict} />
          ))}
        </ul>
      </QueryState>
    </section>
  );
}
