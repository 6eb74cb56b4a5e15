import { rowSortingFeature, tableFeatures, useTable, type ColumnDef, type RowData, type SortingState, type Updater } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useShiftLogT } from '../messages';

/** One column of a grid: its header text, whether the core can sort by it, and its cell. */
export interface GridColumn<T extends RowData> {
  id: string;
  header: string;
  sortable: boolean;
  /** A first click sorts descending (times, counts: the newest or largest first). */
  descFirst?: boolean;
  className: string;
  cell(row: T): ReactNode;
}

export interface GridSort {
  by: string;
  dir: 'asc' | 'desc';
}

// Manual sorting only: the core sorts in SQL (the lists are keyset-paged), so the table keeps
// the header state and never reorders the rows it is given.
const features = tableFeatures({ rowSortingFeature });

const ariaSort = { asc: 'ascending', desc: 'descending' } as const;

/**
 * A keyset-paged list as an ARIA grid: column headers that sort (aria-sort says how), rows
 * virtualized so only those in view exist in the DOM, more pages fetched near the end. Arrow
 * keys move the selection, Enter opens the selected row.
 */
export function SortableGrid<T extends RowData>(props: {
  label: string;
  rows: T[];
  rowKey(row: T): string;
  columns: GridColumn<T>[];
  sort: GridSort | null;
  onSort(next: GridSort): void;
  hasMore: boolean;
  isFetchingMore: boolean;
  fetchMore(): void;
  onOpen(row: T): void;
  rowHeight: number;
  /** The row's class (its CSS grid template); the header row shares it, so columns line up. */
  rowClassName: string;
  /** Prefix of each row's element id, e.g. `entry-row-` -> `entry-row-0`. */
  rowIdPrefix: string;
  /** A data attribute each loaded row carries, for tests and styling. */
  rowDataAttribute: string;
  loadingMoreText: string;
  /** Changing it (a new filter or sort) moves the selection back to the first row. */
  resetKey: unknown;
  testId: string;
}) {
  const t = useShiftLogT();
  const { rows, columns, sort, onSort } = props;
  const columnDefs = useMemo(
    () =>
      columns.map(
        (column): ColumnDef<typeof features, T, unknown> => ({
          id: column.id,
          header: column.header,
          // The value is never compared here (manual sorting); an accessor makes the column sortable.
          accessorFn: (row: T) => row,
          enableSorting: column.sortable,
          sortDescFirst: column.descFirst ?? false,
          cell: (context) => column.cell(context.row.original),
        }),
      ),
    [columns],
  );
  const sorting = useMemo<SortingState>(() => (sort ? [{ id: sort.by, desc: sort.dir === 'desc' }] : []), [sort]);
  const table = useTable({
    features,
    columns: columnDefs,
    data: rows,
    state: { sorting },
    manualSorting: true,
    enableSortingRemoval: false,
    getRowId: (row: T) => props.rowKey(row),
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      if (first) onSort({ by: first.id, dir: first.desc ? 'desc' : 'asc' });
    },
  });
  const tableRows = table.getRowModel().rows;

  const [selected, setSelected] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = tableRows.length + (props.hasMore ? 1 : 0);
  // initialRect: a first frame (and a DOM without layout) renders a screenful, not nothing.
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => props.rowHeight, overscan: 8, initialRect: { width: 1000, height: 600 } });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : -1;
  const { hasMore, isFetchingMore, fetchMore } = props;

  // Near the end of what is loaded: fetch the next page.
  useEffect(() => {
    if (lastIndex >= tableRows.length - 1 - 20 && hasMore && !isFetchingMore) fetchMore();
  }, [lastIndex, tableRows.length, hasMore, isFetchingMore, fetchMore]);

  useEffect(() => setSelected(0), [props.resetKey]);

  const open = (index: number) => {
    const row = tableRows[index];
    if (row) props.onOpen(row.original);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Keys on a header's sort button belong to the button.
    if ((event.target as HTMLElement).closest('[role="columnheader"]')) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? props.rowHeight * 10) / props.rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      event.preventDefault();
      const next = Math.max(0, Math.min(tableRows.length - 1, selected + moves[event.key]));
      setSelected(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(selected);
    }
  };

  const headers = table.getHeaderGroups()[0]?.headers ?? [];
  const classOf = new Map(columns.map((column) => [column.id, column.className]));
  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      tabIndex={0}
      aria-label={props.label}
      aria-rowcount={props.hasMore ? -1 : tableRows.length + 1}
      aria-activedescendant={tableRows.length > 0 ? `${props.rowIdPrefix}${selected}` : undefined}
      onKeyDown={onKeyDown}
      data-testid={props.testId}
    >
      <div role="rowgroup" className="grid-head">
        <div role="row" aria-rowindex={1} className={`${props.rowClassName} grid-header-row`}>
          {headers.map((header) => {
            const sorted = header.column.getIsSorted();
            const label = String(header.column.columnDef.header ?? '');
            return (
              <div key={header.id} role="columnheader" className={classOf.get(header.column.id)} aria-sort={sorted ? ariaSort[sorted] : header.column.getCanSort() ? 'none' : undefined}>
                {header.column.getCanSort() ? (
                  <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()} title={t('grid.sortBy', { column: label })}>
                    {label}
                    <span aria-hidden="true" className="sort-glyph">
                      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                    </span>
                  </button>
                ) : (
                  label
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = tableRows[item.index];
          const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: props.rowHeight, transform: `translateY(${item.start}px)` };
          if (!row) {
            return (
              <div key="loader" role="row" className={`${props.rowClassName} grid-loading`} style={style}>
                <div role="gridcell">{props.loadingMoreText}</div>
              </div>
            );
          }
          return (
            <div
              key={row.id}
              id={`${props.rowIdPrefix}${item.index}`}
              className={props.rowClassName}
              {...{ [props.rowDataAttribute]: '' }}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={item.index === selected}
              style={style}
              onClick={() => {
                setSelected(item.index);
                open(item.index);
              }}
            >
              {row.getAllCells().map((cell) => (
                <div key={cell.id} role="gridcell" className={classOf.get(cell.column.id)}>
                  <table.FlexRender cell={cell} />
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
