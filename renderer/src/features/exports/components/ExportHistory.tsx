import { useMutation, useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { ErrorText, QueryState } from '../../../components/QueryState';
import { formatBytes, formatDateTime, formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { invoke } from '../../../lib/api';
import type { AreaView } from '../../../workstation/areas';
import { exportHistoryQuery } from '../api/queries';
import { isExportModule } from '../../../../../shared/exports';
import { useExportsT } from '../messages';
import { CopyButton } from './CopyButton';
import { FilterLine } from './ExportFilterFields';

/** The file name of a path, whichever separator the workstation uses. */
const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Exports made on this workstation, newest first, with the file's SHA-256 and "Show in folder". */
export function ExportHistory(props: { timeZone: string; areas: readonly AreaView[] | undefined }) {
  const t = useExportsT();
  const locale = useLocaleStore((state) => state.locale);
  const history = useQuery(exportHistoryQuery());
  const reveal = useMutation({ mutationFn: (path: string) => invoke('exports.reveal', { path }) });
  const titleId = useId();

  return (
    <section className="exports-history" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('historyTitle')}</h2>
      <ErrorText error={reveal.error} />
      {reveal.data && !reveal.data.shown && <p role="status">{t('revealNotShown')}</p>}
      <QueryState isPending={history.isPending} error={history.error} isEmpty={history.data?.length === 0} emptyText={t('historyEmpty')} onRetry={() => void history.refetch()}>
        <div className="exports-table-wrap">
          <table className="exports-table">
            <thead>
              <tr>
                <th scope="col">{t('col.time')}</th>
                <th scope="col">{t('col.module')}</th>
                <th scope="col">{t('col.format')}</th>
                <th scope="col" className="numeric">
                  {t('col.rows')}
                </th>
                <th scope="col" className="numeric">
                  {t('col.size')}
                </th>
                <th scope="col">{t('col.sha256')}</th>
                <th scope="col">{t('col.file')}</th>
                <th scope="col">{t('col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data?.map((item) => (
                <tr key={`${item.at}-${item.path}`} data-testid="export-history-row">
                  <td>{formatDateTime(item.at, locale, props.timeZone)}</td>
                  <td className="exports-what">
                    {isExportModule(item.module) ? t(`moduleShort.${item.module}`) : item.module}
                    <FilterLine filter={item.filter} areas={props.areas} timeZone={props.timeZone} />
                  </td>
                  <td>{t(`formatShort.${item.format}`)}</td>
                  <td className="numeric">{formatNumber(item.rows, locale)}</td>
                  <td className="numeric">{formatBytes(item.bytes, locale)}</td>
                  <td>
                    {/* Abbreviated to fit; the full value is in the title, the copy button and for screen readers. */}
                    <code title={item.sha256} data-sha256={item.sha256}>
                      <span aria-hidden="true">{item.sha256.slice(0, 12)}…</span>
                      <span className="exports-sr-only">{item.sha256}</span>
                    </code>{' '}
                    <CopyButton value={item.sha256} label={t('copyHash', { path: fileName(item.path) })} />
                  </td>
                  <td className="exports-file" title={item.path}>
                    {fileName(item.path)}
                  </td>
                  <td>
                    <button type="button" className="exports-small-button" aria-label={t('revealFile', { path: fileName(item.path) })} onClick={() => reveal.mutate(item.path)}>
                      {t('reveal')}
                    </button>
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
