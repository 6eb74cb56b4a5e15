import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import type { LogEntrySort, ShiftLogFilterInput } from '../../../../../shared/views';
import type { CallResponse } from '../../../../../shared/contract';
import { QueryState } from '../../../components/QueryState';
import { formatCalendarDate, formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { navigate } from '../../../lib/router';
import { entriesQuery, entryTotalsQuery } from '../api/queries';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { useEmptyText, useFirstSyncNote } from '../hooks/useEmptyText';
import { useShiftLogT } from '../messages';
import { EntryMarks, SeverityBadge } from './marks';
import { SortableGrid, type GridColumn, type GridSort } from './SortableGrid';

type Entry = CallResponse<'shiftLogs.entries'>['items'][number];

const rowHeight = 52;

/** Columns the core can sort entries by, keyed by the grid's column id. */
const sortableColumns = { occurredAt: 'occurredAt', severity: 'severity' } as const;

/**
 * Entries of the current filter, keyset-paged and virtualized (100,000+ entries scroll like
 * 100), sorted by the core: by a column header, or with search text by best match or newest
 * first. The order in force is always stated.
 */
export function EntryList(props: { filter: ShiftLogFilterInput; sort: LogEntrySort | undefined; onSort(next: LogEntrySort | null): void; areas: AreaIndex; nameOf(id: string): string }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const hasText = (props.filter.text ?? '').trim() !== '';
  // Best match means nothing without text: the list then falls back to its column sort.
  const sort = props.sort?.by === 'relevance' && !hasText ? undefined : props.sort;
  const query = useInfiniteQuery(entriesQuery(props.filter, sort));
  const totals = useQuery(entryTotalsQuery(props.filter));
  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const { areas, nameOf, filter } = props;
  const emptyText = useEmptyText(t('list.empty'));
  const firstSyncNote = useFirstSyncNote(hasText);

  const columns = useMemo<GridColumn<Entry>[]>(
    () => [
      { id: 'occurredAt', header: t('entries.col.occurredAt'), sortable: true, descFirst: true, className: 'entry-time', cell: (entry) => formatDateTime(entry.occurred_at, locale, areas.zoneOf(entry.area_id)) },
      { id: 'area', header: t('entries.col.area'), sortable: false, className: 'entry-area', cell: (entry) => areas.nameOf(entry.area_id) },
      { id: 'shift', header: t('entries.col.shift'), sortable: false, className: 'entry-shift', cell: (entry) => (entry.shift_name ? `${entry.shift_name} · ${entry.shift_date ? formatCalendarDate(entry.shift_date, locale) : ''}` : '') },
      { id: 'severity', header: t('entries.col.severity'), sortable: true, descFirst: true, className: 'entry-severity', cell: (entry) => <SeverityBadge severity={entry.severity} /> },
      { id: 'category', header: t('entries.col.category'), sortable: false, className: 'entry-category', cell: (entry) => t(`category.${entry.category}`) },
      { id: 'tag', header: t('entries.col.tag'), sortable: false, className: 'entry-tag', cell: (entry) => entry.equipment_tag ?? '' },
      { id: 'author', header: t('entries.col.author'), sortable: false, className: 'entry-author', cell: (entry) => nameOf(entry.author_id) },
      {
        id: 'marks',
        header: t('entries.col.marks'),
        sortable: false,
        className: 'entry-marks',
        cell: (entry) => <EntryMarks late={entry.late === 1} afterSignoff={filter.amendedAfterSignoff === true} pending={entry.pending_mutation_id !== null} voided={entry.state === 'voided'} />,
      },
      { id: 'body', header: t('entries.col.body'), sortable: false, className: 'entry-body', cell: (entry) => (entry.body.length > 200 ? `${entry.body.slice(0, 200)}…` : entry.body) },
    ],
    // t changes identity every render; the locale is what changes its strings.
    [locale, areas, nameOf, filter.amendedAfterSignoff],
  );

  // The header shows the column sort; the default (no text) is newest occurred first.
  const headerSort: GridSort | null = sort && sort.by !== 'relevance' ? sort : hasText ? null : { by: 'occurredAt', dir: 'desc' };
  const onSort = useCallback((next: GridSort) => props.onSort({ by: sortableColumns[next.by as keyof typeof sortableColumns], dir: next.dir }), [props]);
  const open = useCallback((entry: Entry) => navigate('shift-logs', entry.shift_log_id), []);
  const fetchMore = useCallback(() => void query.fetchNextPage(), [query]);

  const loaded = entries.length;
  const columnName = (by: string) => columns.find((column) => column.id === by)?.header ?? by;
  return (
    <>
      {firstSyncNote && entries.length > 0 && (
        <p className="first-sync-note" role="status">
          {firstSyncNote}
        </p>
      )}
      {hasText && (
        <div className="search-order" role="radiogroup" aria-label={t('order.label')}>
          <label>
            <input type="radio" name="search-order" checked={sort?.by === 'relevance'} onChange={() => props.onSort({ by: 'relevance', dir: 'asc' })} />
            {t('order.relevance')}
          </label>
          <label>
            <input type="radio" name="search-order" checked={sort === undefined} onChange={() => props.onSort(null)} />
            {t('order.newest')}
          </label>
          {sort && sort.by !== 'relevance' && <span className="order-note">{t('order.byColumn', { column: columnName(sort.by), direction: t(`order.${sort.dir}`) })}</span>}
        </div>
      )}
      <QueryState isPending={query.isPending} error={query.error} isEmpty={loaded === 0} emptyText={emptyText} onRetry={() => void query.refetch()}>
        <p className="entry-count" aria-live="polite" data-testid="entry-totals">
          {totals.data
            ? t('list.totals', { shown: loaded, count: totals.data.matching, all: totals.data.all })
            : query.hasNextPage
              ? t('list.countMore', { count: loaded })
              : t('list.count', { count: loaded })}
        </p>
        <SortableGrid
          label={t('list.label')}
          rows={entries}
          rowKey={(entry) => entry.id}
          columns={columns}
          sort={headerSort}
          onSort={onSort}
          hasMore={query.hasNextPage}
          isFetchingMore={query.isFetchingNextPage}
          fetchMore={fetchMore}
          onOpen={open}
          rowHeight={rowHeight}
          rowClassName="entry-row"
          rowIdPrefix="entry-row-"
          rowDataAttribute="data-entry-row"
          loadingMoreText={t('list.loadingMore')}
          resetKey={[props.filter, sort]}
          testId="entry-list"
        />
        <p className="hint">{t('list.keyboardHint')}</p>
      </QueryState>
    </>
  );
}
