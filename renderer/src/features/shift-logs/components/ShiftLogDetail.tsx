import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { QueryState } from '../../../components/QueryState';
import { formatDate, formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { usePermissions } from '../../../workstation/access';
import { hrefFor, useRoute } from '../../../lib/router';
import { useShiftLogWrite } from '../api/mutations';
import { shiftLogQuery } from '../api/queries';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { formatShiftTime } from '../hooks/zoned-time';
import { useShiftLogT } from '../messages';
import { AddEntryDialog, AmendDialog, CommentForm, ReopenDialog, SignOffDialog } from './forms';
import { Handovers } from './Handovers';
import { EntryMarks, SeverityBadge } from './marks';
import { ErrorText } from '../../../components/QueryState';
import { useShiftLogPrintT } from '../print/messages';
import { ShiftLogPrint } from '../print/ShiftLogPrint';
import { usePrintSheet } from '../print/usePrintSheet';

type Dialogs = 'add' | 'signoff' | 'reopen' | null;

function parseFields(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The workstation's claimed signing time is shown only where it tells something: over a minute off the server's. */
function clockDiffers(signoff: { signed_at: string; claimed_signed_at: string | null }): boolean {
  return signoff.claimed_signed_at !== null && Math.abs(Date.parse(signoff.claimed_signed_at) - Date.parse(signoff.signed_at)) > 60_000;
}

/** Moves to a section of the page: its heading takes the focus, so the keyboard continues from there. */
function jumpTo(headingId: string): void {
  const heading = document.getElementById(headingId);
  if (!heading) return;
  heading.scrollIntoView({ block: 'start' });
  heading.focus({ preventScroll: true });
}

/** A section's heading that the page's jump links can move the focus to. */
function SectionHeading(props: { id: string; children: ReactNode }) {
  return (
    <h2 id={props.id} tabIndex={-1}>
      {props.children}
    </h2>
  );
}

/** One shift log: header, entries in time order with amendments beside them, comments, sign-offs, and the permitted actions. */
export function ShiftLogDetail(props: { id: string; areas: AreaIndex; nameOf(id: string): string; signerName: string }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const route = useRoute();
  const query = useQuery(shiftLogQuery(props.id));
  const permissions = usePermissions();
  const [dialog, setDialog] = useState<Dialogs>(null);
  const [amending, setAmending] = useState<{ id: string; body: string; severity: 'info' | 'low' | 'medium' | 'high' | 'critical' } | null>(null);
  const [commentingOn, setCommentingOn] = useState<string | null>(null);
  const submitLog = useShiftLogWrite('shiftLogs.submit');
  const printT = useShiftLogPrintT();
  const printSheet = usePrintSheet();
  const detail = query.data;
  const backHref = hrefFor('shift-logs', null, route.query);

  return (
    <section className="shift-log-detail" aria-labelledby="detail-title">
      <p>
        <a href={backHref}>← {t('detail.back')}</a>
      </p>
      <QueryState isPending={query.isPending} error={query.error} isEmpty={detail === null} emptyText={t('detail.notFound')} onRetry={() => void query.refetch()}>
        {detail &&
          (() => {
            const log = detail.shiftLog;
            const zone = props.areas.zoneOf(log.area_id);
            const subject = { areaId: log.area_id, ownerId: log.created_by };
            const canAdd = permissions.can('create', 'log_entry', { areaId: log.area_id, ownerId: permissions.access?.userId });
            const canSubmit = log.status === 'open' && permissions.can('update', 'shift_log', subject);
            // Signed here and not yet at the server: say so, and offer no second signature meanwhile.
            const myPendingSignature = detail.signoffs.some((signoff) => signoff.signer_id === permissions.access?.userId && signoff.pending_mutation_id !== null);
            const canSign = log.status !== 'signed' && !myPendingSignature && permissions.can('sign', 'shift_log', subject);
            const canReopen = log.status === 'signed' && permissions.can('sign', 'shift_log', subject);
            const canComment = permissions.can('create', 'comment', { areaId: log.area_id, ownerId: permissions.access?.userId });
            const logComments = detail.comments.filter((comment) => comment.entry_id === null);
            const handovers = detail.handovers ?? [];
            // Times on the shift's own date read as times; any other day says its date.
            const when = (iso: string) => formatShiftTime(iso, log.shift_date, locale, zone);
            return (
              <>
                <header className="detail-header">
                  <h1 id="detail-title">
                    {props.areas.nameOf(log.area_id)} · {log.shift_name} · {formatDate(`${log.shift_date}T12:00:00Z`, locale, 'UTC')}
                  </h1>
                  <dl className="facts detail-facts">
                    <dt>{t('detail.status')}</dt>
                    <dd data-testid="shift-log-status">{myPendingSignature ? t('status.signedWaiting') : t(`status.${log.status}`)}</dd>
                    <dt>{t('detail.crew')}</dt>
                    <dd>{log.crew ?? t('detail.none')}</dd>
                    <dt>{t('detail.window')}</dt>
                    <dd>
                      {formatDateTime(log.starts_at, locale, zone)} – {formatDateTime(log.ends_at, locale, zone)}
                    </dd>
                    <dt>{t('detail.zone')}</dt>
                    <dd>{zone}</dd>
                  </dl>
                  <p className="detail-marks">
                    <EntryMarks afterSignoff={detail.amendedAfterSignoff} pending={log.pending_mutation_id !== null} />
                  </p>
                  <div className="toolbar" role="toolbar" aria-label={t('detail.actions')} data-access={permissions.access ? 'loaded' : 'pending'}>
                    {canAdd && (
                      <button type="button" onClick={() => setDialog('add')}>
                        {t('action.add')}
                      </button>
                    )}
                    {canSubmit && (
                      <button type="button" disabled={submitLog.isPending} onClick={() => submitLog.mutate({ shiftLogId: log.id })}>
                        {t('action.submit')}
                      </button>
                    )}
                    {canSign && (
                      <button type="button" className="primary" onClick={() => setDialog('signoff')}>
                        {t('action.signOff')}
                      </button>
                    )}
                    {canReopen && (
                      <button type="button" onClick={() => setDialog('reopen')}>
                        {t('action.reopen')}
                      </button>
                    )}
                    <button type="button" onClick={printSheet.print}>
                      {printT('action.print')}
                    </button>
                  </div>
                  <ErrorText error={submitLog.error} />
                  {/* A reviewer goes to the signatures and comments without scrolling past every entry. */}
                  <nav className="detail-jump" aria-label={t('jump.label')}>
                    <button type="button" className="link-button" onClick={() => jumpTo('entries-title')}>
                      {t('jump.entries', { count: detail.entries.length })}
                    </button>
                    <button type="button" className="link-button" onClick={() => jumpTo('signoffs-title')}>
                      {t('jump.signoffs', { count: detail.signoffs.length })}
                    </button>
                    {handovers.length > 0 && (
                      <button type="button" className="link-button" onClick={() => jumpTo('handovers-title')}>
                        {t('jump.handovers', { count: handovers.length })}
                      </button>
                    )}
                    <button type="button" className="link-button" onClick={() => jumpTo('comments-title')}>
                      {t('jump.comments', { count: logComments.length })}
                    </button>
                  </nav>
                </header>

                <section aria-labelledby="entries-title">
                  <SectionHeading id="entries-title">{t('detail.entries', { count: detail.entries.length })}</SectionHeading>
                  {detail.entries.length === 0 && <p className="state state-empty">{t('detail.noEntries')}</p>}
                  <ol className="detail-entries">
                    {detail.entries.map((entry) => {
                      const canAmend = permissions.can('amend', 'log_entry', { areaId: entry.area_id, ownerId: entry.author_id });
                      const comments = detail.comments.filter((comment) => comment.entry_id === entry.id);
                      return (
                        <li key={entry.id} className="detail-entry" data-entry-id={entry.id}>
                          {/* The actions head the card at its right edge, Comment outermost (every entry has it when any has), so each button is in the same place on every card. */}
                          <div className="entry-head">
                            <p className="entry-meta">
                              <time dateTime={entry.occurred_at} className="entry-time">
                                {when(entry.occurred_at)}
                              </time>
                              <SeverityBadge severity={entry.severity} />
                              <span>{t(`category.${entry.category}`)}</span>
                              {entry.equipment_tag && <span className="entry-tag">{entry.equipment_tag}</span>}
                              <span className="entry-author">{props.nameOf(entry.author_id)}</span>
                              <EntryMarks late={entry.late === 1} afterSignoff={entry.after_signoff === 1} pending={entry.pending_mutation_id !== null} voided={entry.state === 'voided'} />
                            </p>
                            {(canAmend || canComment) && (
                              <div className="entry-actions">
                                {canAmend && (
                                  <button type="button" className="small" onClick={() => setAmending({ id: entry.id, body: entry.body, severity: entry.severity })}>
                                    {t('action.amend')}
                                  </button>
                                )}
                                {canComment && (
                                  <button
                                    type="button"
                                    className="small"
                                    aria-expanded={commentingOn === entry.id}
                                    onClick={() => setCommentingOn(commentingOn === entry.id ? null : entry.id)}
                                  >
                                    {t('action.commentEntry')}
                                  </button>
                                )}
                              </div>
                            )}
                          </div>
                          <div className="entry-original">
                            <p className={entry.state === 'voided' ? 'entry-text voided' : 'entry-text'}>{entry.body}</p>
                            {entry.late_reason && (
                              <p className="late-reason">
                                {t('detail.lateReason')}: {entry.late_reason}
                              </p>
                            )}
                            {comments.map((comment) => (
                              <p key={comment.id} className="entry-comment">
                                💬 {props.nameOf(comment.author_id)}: {comment.body}
                                <EntryMarks pending={comment.pending_mutation_id !== null} />
                              </p>
                            ))}
                            {canComment && commentingOn === entry.id && <CommentForm shiftLogId={log.id} entryId={entry.id} onDone={() => setCommentingOn(null)} />}
                          </div>
                          {entry.amendments.length > 0 && (
                            <ol className="entry-amendments" aria-label={t('detail.amendmentsOf')}>
                              {entry.amendments.map((amendment) => {
                                const fields = parseFields(amendment.fields_changed);
                                return (
                                  <li key={amendment.id} className={`amendment amendment-${amendment.kind}`}>
                                    <p className="entry-meta">
                                      <strong>{t(`amendment.${amendment.kind}`)}</strong>
                                      <span>{props.nameOf(amendment.author_id)}</span>
                                      <time dateTime={amendment.at}>{when(amendment.at)}</time>
                                      <EntryMarks afterSignoff={amendment.after_signoff === 1} pending={amendment.pending_mutation_id !== null} />
                                    </p>
                                    {amendment.body && <p className="entry-text">{amendment.body}</p>}
                                    {Object.keys(fields).length > 0 && (
                                      <p className="amendment-fields">
                                        {Object.entries(fields)
                                          .map(([key, value]) => `${key}: ${String(value)}`)
                                          .join(' · ')}
                                      </p>
                                    )}
                                    <p className="amendment-reason">
                                      {t('detail.reason')}: {amendment.reason}
                                    </p>
                                  </li>
                                );
                              })}
                            </ol>
                          )}
                        </li>
                      );
                    })}
                  </ol>
                </section>

                <section aria-labelledby="signoffs-title">
                  <SectionHeading id="signoffs-title">{t('detail.signoffs')}</SectionHeading>
                  {detail.signoffs.length === 0 ? (
                    <p className="state state-empty">{t('detail.noSignoffs')}</p>
                  ) : (
                    <ul className="signoffs">
                      {detail.signoffs.map((signoff) => (
                        <li key={signoff.id}>
                          <span aria-hidden="true">✔</span> <strong>{t(`meaning.${signoff.meaning}`)}</strong> · {signoff.printed_name} ·{' '}
                          <time dateTime={signoff.signed_at}>{when(signoff.signed_at)}</time> ·{' '}
                          <span className="signoff-method">{t(`signoff.method.${signoff.auth_method}`)}</span>
                          {clockDiffers(signoff) && (
                            <span className="muted">
                              {' '}
                              ({t('signoff.claimedAt', { time: when(signoff.claimed_signed_at as string) })})
                            </span>
                          )}
                          <EntryMarks pending={signoff.pending_mutation_id !== null} />
                        </li>
                      ))}
                    </ul>
                  )}
                </section>

                <Handovers
                  shiftLogId={log.id}
                  handovers={handovers}
                  canAcknowledge={permissions.can('update', 'handover', { areaId: log.area_id })}
                  formatTime={when}
                  nameOf={props.nameOf}
                />

                <section aria-labelledby="comments-title">
                  <SectionHeading id="comments-title">{t('detail.comments')}</SectionHeading>
                  {logComments.length === 0 && <p className="state state-empty">{t('detail.noComments')}</p>}
                  <ul className="comments">
                    {logComments.map((comment) => (
                      <li key={comment.id}>
                        <strong>{props.nameOf(comment.author_id)}</strong> <time dateTime={comment.at}>{when(comment.at)}</time>
                        <EntryMarks pending={comment.pending_mutation_id !== null} />
                        <p>{comment.body}</p>
                      </li>
                    ))}
                  </ul>
                  {canComment && <CommentForm shiftLogId={log.id} />}
                </section>

                {canAdd && <AddEntryDialog open={dialog === 'add'} onClose={() => setDialog(null)} shiftLog={log} />}
                {canSign && <SignOffDialog open={dialog === 'signoff'} onClose={() => setDialog(null)} shiftLogId={log.id} status={log.status} signerName={props.signerName} />}
                {canReopen && <ReopenDialog open={dialog === 'reopen'} onClose={() => setDialog(null)} shiftLogId={log.id} />}
                <AmendDialog entry={amending} onClose={() => setAmending(null)} />
                {printSheet.printing && <ShiftLogPrint detail={detail} areas={props.areas} nameOf={props.nameOf} />}
              </>
            );
          })()}
      </QueryState>
    </section>
  );
}
