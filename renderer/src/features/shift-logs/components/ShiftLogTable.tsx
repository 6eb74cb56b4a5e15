import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { CallResponse } from '../../../../../shared/contract';
import type { ShiftLogFilterInput, ShiftLogSort } from '../../../../../shared/views';
import { QueryState } from '../../../components/QueryState';
import { formatCalendarDate } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { navigate } from '../../../lib/router';
import { logsQuery, logTotalsQuery } from '../api/queries';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { useEmptyText, useFirstSyncNote } from '../hooks/useEmptyText';
import { useShiftLogT } from '../messages';
import { SortableGrid, type GridColumn, type GridSort } from './SortableGrid';

type ShiftLogItem = CallResponse<'shiftLogs.list'>['items'][number];

const rowHeight = 36;
const defaultSort: ShiftLogSort = { by: 'date', dir: 'desc' };

/**
 * Shift logs of the current filter, or only those waiting for my sign-off (the core decides
 * which, with the same permission check a sign-off makes): one row per log, sorted by the
 * core, keyset-paged. A row opens the log.
 */
export function ShiftLogTable(props: { filter: ShiftLogFilterInput; waiting: boolean; sort: ShiftLogSort | undefined; onSort(next: ShiftLogSort): void; areas: AreaIndex }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const query = useInfiniteQuery(logsQuery(props.filter, props.waiting, props.sort));
  const totals = useQuery(logTotalsQuery(props.filter, props.waiting));
  const logs = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const { areas } = props;
  const emptyText = useEmptyText(props.waiting ? t('logs.emptyToSign') : t('logs.empty'));
  const firstSyncNote = useFirstSyncNote(false);

  const columns = useMemo<GridColumn<ShiftLogItem>[]>(
    () => [
      { id: 'area', header: t('logs.col.area'), sortable: true, className: 'log-area', cell: (log) => areas.nameOf(log.area_id) },
      { id: 'shift', header: t('logs.col.shift'), sortable: true, className: 'log-shift', cell: (log) => log.shift_name },
      { id: 'date', header: t('logs.col.date'), sortable: true, descFirst: true, className: 'log-date', cell: (log) => formatCalendarDate(log.shift_date, locale) },
      { id: 'crew', header: t('logs.col.crew'), sortable: true, className: 'log-crew', cell: (log) => log.crew ?? '' },
      { id: 'status', header: t('logs.col.status'), sortable: true, className: 'log-status', cell: (log) => t(`status.${log.status}`) },
      { id: 'entries', header: t('logs.col.entries'), sortable: true, descFirst: true, className: 'log-entries', cell: (log) => log.entry_count.toLocaleString(locale) },
      {
        id: 'flags',
        header: t('logs.col.flags'),
        sortable: false,
        className: 'log-flags',
        cell: (log) => (
          <>
            {log.late_count > 0 && (
              <span className="mark mark-late">
                <span aria-hidden="true">◷</span> {t('logs.late', { count: log.late_count })}
              </span>
            )}
            {log.amended_after_signoff === 1 && (
              <span className="mark mark-after-signoff">
                <span aria-hidden="true">✎</span> {t('mark.afterSignoff')}
              </span>
            )}
          </>
        ),
      },
      { id: 'signer', header: t('logs.col.signer'), sortable: true, className: 'log-signer', cell: (log) => log.signer_name ?? '' },
    ],
    // t changes identity every render; the locale is what changes its strings.
    [locale, areas],
  );

  const { onSort: setSort } = props;
  const onSort = useCallback((next: GridSort) => setSort({ by: next.by as ShiftLogSort['by'], dir: next.dir }), [setSort]);
  const open = useCallback((log: ShiftLogItem) => navigate('shift-logs', log.id), []);
  const fetchMore = useCallback(() => void query.fetchNextPage(), [query]);
  const loaded = logs.length;
  return (
    <QueryState isPending={query.isPending} error={query.error} isEmpty={loaded === 0} emptyText={emptyText} onRetry={() => void query.refetch()}>
      {firstSyncNote && (
        <p className="first-sync-note" role="status">
          {firstSyncNote}
        </p>
      )}
      <p className="entry-count" aria-live="polite" data-testid="log-totals">
        {totals.data ? t(props.waiting ? 'logs.totalsToSign' : 'logs.totals', { shown: loaded, count: totals.data.matching, all: totals.data.all }) : ''}
      </p>
      <SortableGrid
        label={props.waiting ? t('logs.labelToSign') : t('logs.label')}
        rows={logs}
        rowKey={(log) => log.id}
        columns={columns}
        sort={props.sort ?? defaultSort}
        onSort={onSort}
        hasMore={query.hasNextPage}
        isFetchingMore={query.isFetchingNextPage}
        fetchMore={fetchMore}
        onOpen={open}
        rowHeight={rowHeight}
        rowClassName="log-row"
        rowIdPrefix="log-row-"
        rowDataAttribute="data-log-row"
        loadingMoreText={t('logs.loadingMore')}
        resetKey={[props.filter, props.waiting, props.sort]}
        testId="log-list"
      />
      <p className="hint">{t('list.keyboardHint')}</p>
    </QueryState>
  );
}
