import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { navigate } from '../../../lib/router';
import { entriesQuery } from '../api/queries';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { useShiftLogT } from '../messages';
import { EntryMarks, SeverityBadge } from './marks';

const rowHeight = 52;

/**
 * Entries of the current filter, newest first, keyset-paged and virtualized: only the rows in
 * view (plus a few) exist in the DOM, so 100,000+ entries scroll like 100. Arrow keys move
 * the selection, Enter opens the entry's shift log.
 */
export function EntryList(props: { filter: ShiftLogFilterInput; areas: AreaIndex; nameOf(id: string): string }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const query = useInfiniteQuery(entriesQuery(props.filter));
  const entries = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data]);
  const [selected, setSelected] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = entries.length + (query.hasNextPage ? 1 : 0);

  // initialRect: a first frame (and a DOM without layout) renders a screenful, not nothing.
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 8, initialRect: { width: 1000, height: 600 } });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? items[items.length - 1].index : -1;

  // Near the end of what is loaded: fetch the next page.
  useEffect(() => {
    if (lastIndex >= entries.length - 1 - 20 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
  }, [lastIndex, entries.length, query]);

  useEffect(() => setSelected(0), [props.filter]);

  const open = (index: number) => {
    const entry = entries[index];
    if (entry) navigate('shift-logs', entry.shift_log_id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 10) / rowHeight) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: pageRows, PageUp: -pageRows, Home: -Infinity, End: Infinity };
    if (event.key in moves) {
      event.preventDefault();
      const next = Math.max(0, Math.min(entries.length - 1, selected + moves[event.key]));
      setSelected(next);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(selected);
    }
  };

  const loaded = entries.length;
  return (
    <QueryState isPending={query.isPending} error={query.error} isEmpty={loaded === 0} emptyText={t('list.empty')} onRetry={() => void query.refetch()}>
      <p className="entry-count" aria-live="polite">
        {query.hasNextPage ? t('list.countMore', { count: loaded }) : t('list.count', { count: loaded })}
      </p>
      <div
        ref={scrollRef}
        className="entry-scroll"
        role="listbox"
        tabIndex={0}
        aria-label={t('list.label')}
        aria-activedescendant={loaded > 0 ? `entry-row-${selected}` : undefined}
        onKeyDown={onKeyDown}
        data-testid="entry-list"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const entry = entries[item.index];
            const style = { position: 'absolute' as const, top: 0, left: 0, right: 0, height: rowHeight, transform: `translateY(${item.start}px)` };
            if (!entry) {
              return (
                <div key="loader" className="entry-row entry-loading" style={style} role="option" aria-selected={false}>
                  {t('list.loadingMore')}
                </div>
              );
            }
            const zone = props.areas.zoneOf(entry.area_id);
            return (
              <div
                key={entry.id}
                id={`entry-row-${item.index}`}
                className="entry-row"
                data-entry-row=""
                role="option"
                aria-selected={item.index === selected}
                style={style}
                onClick={() => {
                  setSelected(item.index);
                  open(item.index);
                }}
              >
                <span className="entry-time">{formatDateTime(entry.occurred_at, locale, zone)}</span>
                <span className="entry-area">{props.areas.nameOf(entry.area_id)}</span>
                <span className="entry-shift">{entry.shift_name ? `${entry.shift_name} · ${entry.shift_date ?? ''}` : ''}</span>
                <SeverityBadge severity={entry.severity} />
                <span className="entry-category">{t(`category.${entry.category}`)}</span>
                <span className="entry-tag">{entry.equipment_tag ?? ''}</span>
                <span className="entry-author">{props.nameOf(entry.author_id)}</span>
                <span className="entry-marks">
                  <EntryMarks late={entry.late === 1} afterSignoff={props.filter.amendedAfterSignoff === true} pending={entry.pending_mutation_id !== null} voided={entry.state === 'voided'} />
                </span>
                <span className="entry-body">{entry.body.length > 200 ? `${entry.body.slice(0, 200)}…` : entry.body}</span>
              </div>
            );
          })}
        </div>
      </div>
      <p className="hint">{t('list.keyboardHint')}</p>
    </QueryState>
  );
}
