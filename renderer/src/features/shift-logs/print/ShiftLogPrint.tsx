import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { CallResponse } from '../../../../../shared/contract';
import { formatDate, formatDateTime, formatTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { sessionStatusQuery } from '../../../workstation/session';
import { openItems } from '../components/Handovers';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { useShiftLogT } from '../messages';
import { useShiftLogPrintT } from './messages';
import './shift-log-print.css';

type Detail = NonNullable<CallResponse<'shiftLogs.get'>>;

/** The calendar day of an instant in a zone, as YYYY-MM-DD (en-CA writes dates that way). */
function dayIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(new Date(iso));
}

function changedFields(json: string | null): string {
  if (!json) return '';
  try {
    const fields = JSON.parse(json) as Record<string, unknown>;
    return Object.entries(fields)
      .map(([key, value]) => `${key}: ${String(value)}`)
      .join(' · ');
  } catch {
    return '';
  }
}

/** As on the screen: the workstation's claimed signing time is printed only when over a minute off the server's. */
const clockDiffers = (claimed: string, received: string) => Math.abs(Date.parse(claimed) - Date.parse(received)) > 60_000;

/** The site an area belongs to: its nearest ancestor of kind 'site'. */
function siteOf(areas: AreaIndex, areaId: string): string | null {
  let current = areas.byId.get(areaId);
  for (let depth = 0; current && depth < 32; depth += 1) {
    if (current.kind === 'site') return current.name;
    current = current.parent_id ? areas.byId.get(current.parent_id) : undefined;
  }
  return null;
}

/** One labelled fact, a row of its own, so the printout (and a PDF's text) reads label then value. */
function Field(props: { label: string; children: ReactNode; className?: string }) {
  return (
    <div className="print-field">
      <dt>{props.label}</dt>
      <dd className={props.className}>{props.children}</dd>
    </div>
  );
}

const cssString = (text: string) => `"${text.replace(/[\\"]/g, '\\$&').replace(/[\r\n]+/g, ' ')}"`;

/**
 * Page header and footer (log id, page n of m) as CSS page-margin boxes. Their text depends on
 * the log and the locale, and the CSP allows no inline <style>, so the rule goes in through
 * the CSSOM (which the CSP does not govern) for as long as the sheet is mounted.
 */
function usePageMargins(header: string, page: string, of: string): void {
  useEffect(() => {
    if (typeof CSSStyleSheet === 'undefined' || !('adoptedStyleSheets' in document)) return;
    const sheet = new CSSStyleSheet();
    try {
      sheet.replaceSync(
        `@page { @top-right { content: ${cssString(header)}; } @bottom-right { content: ${cssString(`${page} `)} counter(page) ${cssString(` ${of} `)} counter(pages); } }`,
      );
    } catch {
      return; // A browser without margin boxes prints without them.
    }
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
    };
  }, [header, page, of]);
}

export interface ShiftLogPrintProps {
  detail: Detail;
  areas: AreaIndex;
  nameOf(id: string): string;
}

/**
 * The printed shift log: the handover sheet for the next shift and the signed record to file.
 * Every signature shows the printed name, the date and time of signing in the site's zone with
 * the zone named, and its meaning in words (21 CFR Part 11 §11.50), with the method and the hash
 * of the content it covers. Rendered into <body> beside the app, so print CSS can hide the app.
 */
export function ShiftLogPrint(props: ShiftLogPrintProps) {
  return createPortal(<ShiftLogSheet {...props} />, document.body);
}

export function ShiftLogSheet({ detail, areas, nameOf }: ShiftLogPrintProps) {
  const t = useShiftLogPrintT();
  const logT = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const session = useQuery(sessionStatusQuery());
  // Mounted when printing starts, so the time of mounting is the time of printing.
  const [printedAt] = useState(() => new Date().toISOString());
  const log = detail.shiftLog;
  const zone = areas.zoneOf(log.area_id);
  const site = siteOf(areas, log.area_id);
  usePageMargins(t('page.header', { id: log.id }), t('page.number'), t('page.of'));

  const dateTime = (iso: string) => formatDateTime(iso, locale, zone);
  // The time alone while on the shift's day; with the date once it leaves it (a night shift).
  const entryTime = (iso: string) => (dayIn(iso, zone) === log.shift_date ? formatTime(iso, locale, zone) : dateTime(iso));
  const logComments = detail.comments.filter((comment) => comment.entry_id === null);
  const handovers = detail.handovers ?? [];

  return (
    <article className="print-sheet" lang={locale} data-testid="print-sheet">
      <header className="print-header">
        <h1>
          {t('title')}: {areas.nameOf(log.area_id)} · {log.shift_name} · {formatDate(`${log.shift_date}T12:00:00Z`, locale, 'UTC')}
        </h1>
        <dl className="print-facts">
          {session.data?.tenantName && <Field label={t('tenant')}>{session.data.tenantName}</Field>}
          {site && <Field label={t('site')}>{site}</Field>}
          <Field label={t('area')}>{areas.nameOf(log.area_id)}</Field>
          <Field label={t('shift')}>{log.shift_name}</Field>
          <Field label={t('shiftDate')}>{formatDate(`${log.shift_date}T12:00:00Z`, locale, 'UTC')}</Field>
          <Field label={t('window')}>
            {dateTime(log.starts_at)} – {dateTime(log.ends_at)}
          </Field>
          <Field label={t('crew')}>{log.crew ?? logT('detail.none')}</Field>
          <Field label={t('status')}>{logT(`status.${log.status}`)}</Field>
          <Field label={t('zone')}>{zone}</Field>
          <Field label={t('printedAt')}>{dateTime(printedAt)}</Field>
          <Field label={t('logId')} className="print-id">{log.id}</Field>
        </dl>
        {detail.amendedAfterSignoff && <p className="print-note">{t('amendedAfterSignoff')}</p>}
      </header>

      <section className="print-section">
        <h2>{t('handover.title')}</h2>
        {handovers.length === 0 && <p>{t('handover.none')}</p>}
        {handovers.map((handover) => {
          const items = openItems(handover.open_items);
          return (
            <div key={handover.id} className="print-block">
              <p>
                <strong>{handover.from_shift_log_id === log.id ? logT('handover.gives') : logT('handover.takes')}</strong>
                {items.length > 0 && ` · ${t('handover.summary', { count: items.length })}`}
              </p>
              {items.length > 0 ? (
                <ul>
                  {items.map((item, index) => (
                    <li key={index}>{item}</li>
                  ))}
                </ul>
              ) : (
                <p>{logT('handover.noItems')}</p>
              )}
              {(
                [
                  ['outgoing', handover.outgoing_ack_by, handover.outgoing_ack_at],
                  ['incoming', handover.incoming_ack_by, handover.incoming_ack_at],
                ] as const
              ).map(([side, by, at]) => (
                <p key={side}>
                  {logT(`handover.${side}`)}: {by && at ? `${nameOf(by)}, ${dateTime(at)}` : logT('handover.notAcknowledged')}
                </p>
              ))}
            </div>
          );
        })}
      </section>

      <section className="print-section">
        <h2>{t('entries.title')}</h2>
        {detail.entries.length === 0 && <p>{t('entries.none')}</p>}
        <ol className="print-entries">
          {detail.entries.map((entry) => (
            <li key={entry.id} className="print-entry">
              <p className="print-entry-meta">
                <time dateTime={entry.occurred_at}>{entryTime(entry.occurred_at)}</time> · {logT(`category.${entry.category}`)} · {logT(`severity.${entry.severity}`)}
                {entry.equipment_tag && ` · ${t('entry.tag')}: ${entry.equipment_tag}`} · {t('entry.author')}: {nameOf(entry.author_id)}
                {entry.after_signoff === 1 && ` · ${t('entry.afterSignoff')}`}
                {entry.state === 'voided' && ` · ${t('entry.voided')}`}
              </p>
              <p className={entry.state === 'voided' ? 'print-body voided' : 'print-body'}>{entry.body}</p>
              {entry.late_reason && (
                <p>
                  {t('entry.late')}: {entry.late_reason}
                </p>
              )}
              {entry.amendments.length > 0 && (
                <ol className="print-amendments">
                  {entry.amendments.map((amendment) => {
                    const fields = changedFields(amendment.fields_changed);
                    return (
                      <li key={amendment.id}>
                        <p className="print-entry-meta">{t('amendment.by', { kind: logT(`amendment.${amendment.kind}`), name: nameOf(amendment.author_id), time: dateTime(amendment.at) })}</p>
                        {amendment.body && <p className="print-body">{amendment.body}</p>}
                        {fields && (
                          <p>
                            {t('amendment.fields')}: {fields}
                          </p>
                        )}
                        <p>
                          {t('amendment.reason')}: {amendment.reason}
                        </p>
                      </li>
                    );
                  })}
                </ol>
              )}
              {detail.comments
                .filter((comment) => comment.entry_id === entry.id)
                .map((comment) => (
                  <p key={comment.id} className="print-comment">
                    {t('entry.comment')} · {nameOf(comment.author_id)}, {dateTime(comment.at)}: {comment.body}
                  </p>
                ))}
            </li>
          ))}
        </ol>
      </section>

      <section className="print-section">
        <h2>{t('comments.title')}</h2>
        {logComments.length === 0 && <p>{t('comments.none')}</p>}
        {logComments.map((comment) => (
          <p key={comment.id} className="print-comment">
            {nameOf(comment.author_id)}, {dateTime(comment.at)}: {comment.body}
          </p>
        ))}
      </section>

      <section className="print-section print-signatures">
        <h2>{t('signatures.title')}</h2>
        {detail.signoffs.length === 0 && <p>{t('signatures.none')}</p>}
        {detail.signoffs.map((signoff) => (
          <dl key={signoff.id} className="print-signature" data-signoff-id={signoff.id}>
            <Field label={t('signature.name')} className="print-signer">{signoff.printed_name}</Field>
            <Field label={t('signature.at')}>
              <time dateTime={signoff.signed_at}>{dateTime(signoff.signed_at)}</time>
              {signoff.pending_mutation_id !== null && ` (${t('signature.pending')})`}
            </Field>
            {signoff.claimed_signed_at && clockDiffers(signoff.claimed_signed_at, signoff.signed_at) && (
              <Field label={t('signature.claimedAt')}>{dateTime(signoff.claimed_signed_at)}</Field>
            )}
            <Field label={t('signature.meaning')}>{logT(`meaning.${signoff.meaning}`)}</Field>
            <Field label={t('signature.method')}>{logT(`signoff.method.${signoff.auth_method}`)}</Field>
            <Field label={t('signature.hash')} className="print-id">{signoff.content_hash}</Field>
          </dl>
        ))}
      </section>
    </article>
  );
}
