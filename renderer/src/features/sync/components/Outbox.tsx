import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime, formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { outboxQuery } from '../api/queries';
import { lookup, mutationInWords } from '../hooks/words';
import { useSyncT } from '../messages';
import { useSiteTime } from '../../../workstation/site-time';

/** Changes made here that the server has not answered yet, oldest first. */
export function Outbox() {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const timeZone = useSiteTime().tenantZone;
  const outbox = useQuery(outboxQuery());
  const titleId = useId();
  return (
    <section className="sync-section" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('outboxTitle')}</h2>
      <QueryState isPending={outbox.isPending} error={outbox.error} isEmpty={outbox.data?.length === 0} emptyText={t('outboxEmpty')} onRetry={() => void outbox.refetch()}>
        <div className="sync-table-wrap">
          <table className="sync-table">
            <thead>
              <tr>
                <th scope="col">{t('col.change')}</th>
                <th scope="col">{t('col.madeAt')}</th>
                <th scope="col" className="numeric">
                  {t('col.attempts')}
                </th>
                <th scope="col">{t('col.lastError')}</th>
              </tr>
            </thead>
            <tbody>
              {outbox.data?.map((item) => (
                <tr key={item.mutation_id} data-testid="outbox-row">
                  <td>{item.local_action ? t('workstationRecord', { action: lookup(t, `localAction.${item.local_action}`) ?? item.local_action }) : mutationInWords(t, item.name)}</td>
                  <td>{formatDateTime(item.client_time, locale, timeZone)}</td>
                  <td className="numeric">{formatNumber(item.attempts, locale)}</td>
                  <td className={item.last_error ? 'error' : undefined} data-error-code={item.last_error ?? undefined}>
                    {/* The engine stores the error's code; say it in words when it is a known one. */}
                    {item.last_error ? (lookup(t, `errorCode.${item.last_error}`) ?? item.last_error) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
