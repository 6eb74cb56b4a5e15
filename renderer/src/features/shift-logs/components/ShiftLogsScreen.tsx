import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { hrefFor, useRoute } from '../../../lib/router';
import { filterToQuery } from '../../../lib/shift-log-filter-url';
import { usePeople } from '../../../workstation/people';
import { sessionStatusQuery } from '../../../workstation/session';
import { entriesQuery } from '../api/queries';
import { useAreaIndex } from '../hooks/useAreaIndex';
import { useShiftLogFilter } from '../hooks/useShiftLogFilter';
import { shiftLogViews, useShiftLogView } from '../hooks/useShiftLogView';
import { useShiftLogT } from '../messages';
import { EntryList } from './EntryList';
import { FilterBar } from './FilterBar';
import { ShiftLogDetail } from './ShiftLogDetail';
import { ShiftLogTable } from './ShiftLogTable';
import { StatsChart } from './StatsChart';
import { usePaletteActions } from '../../../lib/palette';
import '../shift-logs.css';

/** #/shift-logs: the filtered entry list with its chart; #/shift-logs/<id>: one shift log. */
export function ShiftLogsScreen() {
  const route = useRoute();
  const areas = useAreaIndex();
  const directory = usePeople();
  // A role without user access gets no names: rows then show the start of the id.
  const people = directory.people ?? [];
  const nameOf = (id: string) => directory.nameOf(id) ?? id.slice(0, 8);
  // The signer's name for the sign-off statement.
  const session = useQuery(sessionStatusQuery());
  if (route.id) return <ShiftLogDetail id={route.id} areas={areas} nameOf={nameOf} signerName={session.data?.user?.displayName ?? ''} />;
  return <ShiftLogList areas={areas} people={people} nameOf={nameOf} />;
}

function ShiftLogList(props: { areas: ReturnType<typeof useAreaIndex>; people: { id: string; name: string }[]; nameOf(id: string): string }) {
  const t = useShiftLogT();
  const [filter, setFilter] = useShiftLogFilter();
  const { view, setView, logSort, setLogSort, entrySort, setEntrySort } = useShiftLogView();
  // Shift names seen in what is loaded: suggestions for the shift filter.
  const entries = useInfiniteQuery(entriesQuery(filter, entrySort));
  const shiftNames = useMemo(
    () => [...new Set((entries.data?.pages[0]?.items ?? []).map((entry) => entry.shift_name).filter((name): name is string => !!name))].sort(),
    [entries.data],
  );
  const exportQuery = filterToQuery(filter, new URLSearchParams({ module: 'shift-logs' }));
  const exportHref = hrefFor('exports', null, exportQuery);
  // This screen's common actions, offered in the command palette (Ctrl+K) while it is open.
  usePaletteActions(
    useMemo(
      () => [
        ...shiftLogViews.map((option) => ({ id: `shift-logs.view.${option}`, label: t(`view.${option}`), run: () => setView(option) })),
        { id: 'shift-logs.export', label: t('export'), run: () => window.location.assign(exportHref) },
      ],
      [t, setView, exportHref],
    ),
  );
  return (
    <section className="shift-logs" aria-labelledby="screen-title">
      <header className="screen-header">
        <h1 id="screen-title">{t('title')}</h1>
        <a className="export-link" href={hrefFor('exports', null, exportQuery)}>
          {t('export')}
        </a>
      </header>
      <div className="view-switch" role="group" aria-label={t('view.label')}>
        {shiftLogViews.map((option) => (
          <button key={option} type="button" aria-pressed={view === option} onClick={() => setView(option)}>
            {t(`view.${option}`)}
          </button>
        ))}
      </div>
      <FilterBar filter={filter} onChange={setFilter} areas={props.areas} people={props.people} shiftNames={shiftNames} />
      {view === 'entries' && (
        <>
          <StatsChart filter={filter} />
          <EntryList filter={filter} sort={entrySort} onSort={setEntrySort} areas={props.areas} nameOf={props.nameOf} />
        </>
      )}
      {(view === 'toSign' || view === 'all') && <ShiftLogTable filter={filter} waiting={view === 'toSign'} sort={logSort} onSort={setLogSort} areas={props.areas} />}
    </section>
  );
}
