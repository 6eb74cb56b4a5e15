import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { auditEventQuery } from '../api/queries';
import { useAuditT } from '../messages';
import { fieldChanges, shownValue } from './field-diff';
import { actionLabel, entityLabel } from './labels';

/** One event: who, what, when (site zone, named), and its before/after diff field by field. */
export function AuditDetail(props: { seq: number; closeHref: string; actorName: (id: string | null) => string; zoneOf: (areaId: string | null) => string; areaName: (id: string) => string }) {
  const t = useAuditT();
  const locale = useLocaleStore((state) => state.locale);
  const event = useQuery(auditEventQuery(props.seq));
  const data = event.data;
  const zone = props.zoneOf(data?.area_id ?? null);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale, zone) : t('none'));
  return (
    <aside className="audit-detail" aria-labelledby="audit-detail-title">
      <header className="audit-detail-header">
        <h2 id="audit-detail-title">{t('detailTitle', { seq: String(props.seq) })}</h2>
        <a className="audit-close" href={props.closeHref} aria-label={t('closeDetail')}>
          ×
        </a>
      </header>
      <QueryState isPending={event.isPending} error={event.error} isEmpty={!data} emptyText={t('notFound', { seq: String(props.seq) })} onRetry={() => void event.refetch()}>
        {data && (
          <>
            <dl className="audit-facts">
              <dt>{t('colAction')}</dt>
              <dd>
                {actionLabel(t, data.action)} <span className="mono muted">{data.action}</span>
              </dd>
              <dt>{t('colActor')}</dt>
              <dd>{props.actorName(data.actor_id)}</dd>
              <dt>{t('serverTime')}</dt>
              <dd>{when(data.server_time)}</dd>
              <dt>{t('clientTime')}</dt>
              <dd>{when(data.client_time)}</dd>
              <dt>{t('colEntity')}</dt>
              <dd>{entityLabel(t, data.entity)}</dd>
              <dt>{t('entityId')}</dt>
              <dd className="mono">{data.entity_id ?? t('none')}</dd>
              {data.area_id && (
                <>
                  <dt>{t('area')}</dt>
                  <dd>{props.areaName(data.area_id)}</dd>
                </>
              )}
              <dt>{t('reason')}</dt>
              <dd>{data.reason ?? t('none')}</dd>
              <dt>{t('session')}</dt>
              <dd className="mono">{data.session_id ?? t('none')}</dd>
              <dt>{t('ip')}</dt>
              <dd className="mono">{data.ip ?? t('none')}</dd>
              <dt>{t('device')}</dt>
              <dd className="mono">{data.device_id ?? t('none')}</dd>
              <dt>{t('hash')}</dt>
              <dd className="mono hash">{data.hash}</dd>
              <dt>{t('prevHash')}</dt>
              <dd className="mono hash">{data.prev_hash ?? t('none')}</dd>
            </dl>
            <DiffTable before={data.before} after={data.after} />
          </>
        )}
      </QueryState>
    </aside>
  );
}

export function DiffTable(props: { before: string | null; after: string | null }) {
  const t = useAuditT();
  const changes = fieldChanges(props.before, props.after);
  return (
    <section className="audit-diff" aria-labelledby="audit-diff-title">
      <h3 id="audit-diff-title">{t('changes')}</h3>
      {changes.length === 0 ? (
        <p className="muted">{t('noChanges')}</p>
      ) : (
        <table className="diff-table">
          <thead>
            <tr>
              <th scope="col">{t('colField')}</th>
              <th scope="col">{t('colBefore')}</th>
              <th scope="col">{t('colAfter')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.map((change) => (
              <tr key={change.field}>
                <th scope="row" className="mono">
                  {change.field}
                </th>
                <td>
                  <Value value={change.before} />
                </td>
                <td>
                  <Value value={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Value({ value }: { value: unknown }) {
  const t = useAuditT();
  const shown = shownValue(value);
  if (shown.kind === 'personal')
    return (
      <span className="personal">
        <span aria-hidden="true">🔒 </span>
        {t('personal')}
      </span>
    );
  if (shown.kind === 'empty') return <span className="muted">{t('empty_value')}</span>;
  if (shown.kind === 'json') return <pre className="json">{shown.text}</pre>;
  return <span className="value">{shown.text}</span>;
}
