import { useQuery } from '@tanstack/react-query';
import { FieldValue, fieldLabel } from '../../../components/FieldList';
import { useFieldT } from '../../../components/field-messages';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { auditEventQuery } from '../api/queries';
import { useAuditT } from '../messages';
import type { AreaView } from '../../../workstation/areas';
import { fieldChanges } from './field-diff';
import { actionLabel, entityLabel } from './labels';
import { RecordName } from './RecordName';

/** One event: who, what, when (site zone, named), and its before/after diff field by field. */
export function AuditDetail(props: {
  seq: number;
  closeHref: string;
  actorName: (id: string | null) => string;
  nameOf: (id: string) => string | undefined;
  zoneOf: (areaId: string | null) => string;
  areas: readonly AreaView[] | undefined;
}) {
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
              <dd>
                {entityLabel(t, data.entity)}
                {data.entity_id && (
                  <>
                    {': '}
                    <RecordName event={data} />
                    {data.record && <span className="mono muted secondary">{data.entity_id}</span>}
                  </>
                )}
              </dd>
              {data.area_id && (
                <>
                  <dt>{t('area')}</dt>
                  <dd>{props.areas?.find((area) => area.id === data.area_id)?.name ?? data.area_id}</dd>
                </>
              )}
              <dt>{t('reason')}</dt>
              <dd>{data.reason ?? t('none')}</dd>
              <dt>{t('session')}</dt>
              <dd className="mono">{data.session_id ?? t('none')}</dd>
              <dt>{t('ip')}</dt>
              <dd className="mono">{data.ip ?? t('none')}</dd>
              <dt>{t('device')}</dt>
              {data.device_name && data.device_id ? (
                <dd title={t('deviceId', { id: data.device_id })}>
                  {data.device_name}
                  <span className="mono muted secondary">{data.device_id}</span>
                </dd>
              ) : (
                <dd className="mono">{data.device_id ?? t('none')}</dd>
              )}
              <dt>{t('hash')}</dt>
              <dd className="mono hash">{data.hash}</dd>
              <dt>{t('prevHash')}</dt>
              <dd className="mono hash">{data.prev_hash ?? t('none')}</dd>
            </dl>
            <DiffTable before={data.before} after={data.after} areas={props.areas} nameOf={props.nameOf} timeZone={zone} />
          </>
        )}
      </QueryState>
    </aside>
  );
}

/** The changed fields by label, before and after in words: names for ids, times in the site's zone. */
export function DiffTable(props: { before: string | null; after: string | null; areas: readonly AreaView[] | undefined; nameOf: (id: string) => string | undefined; timeZone: string }) {
  const t = useAuditT();
  const fieldT = useFieldT();
  const changes = fieldChanges(props.before, props.after);
  const context = { areas: props.areas, nameOf: props.nameOf, timeZone: props.timeZone };
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
                <th scope="row" title={change.field}>
                  {fieldLabel(fieldT, change.field)}
                </th>
                <td>
                  <FieldValue field={change.field} value={change.before} {...context} />
                </td>
                <td>
                  <FieldValue field={change.field} value={change.after} {...context} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
