import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import { QueryState } from '../../../components/QueryState';
import { usePaletteActions } from '../../../lib/palette';
import { hrefFor, navigate, useRoute } from '../../../lib/router';
import { useAreas } from '../../../workstation/areas';
import { usePeople } from '../../../workstation/people';
import { useSiteTime } from '../../../workstation/site-time';
import { auditKeys, auditListQuery, type AuditFilter } from '../api/queries';
import { nextDay, startOfDayIn } from '../hooks/audit-time';
import { useAuditT } from '../messages';
import { AuditDetail } from './AuditDetail';
import { AuditFilters, filterKeys, filterStateFrom, type AuditFilterState } from './AuditFilters';
import { ChainStatusBanner } from './ChainStatusBanner';
import { actionLabel, entityLabel } from './labels';
import { RecordName, useRecordText } from './RecordName';
import '../audit.css';

function toAuditFilter(state: AuditFilterState, zone: string): AuditFilter {
  const filter: AuditFilter = {};
  if (state.actor) filter.actorIds = [state.actor];
  if (state.entity) filter.entities = [state.entity];
  if (state.action) filter.actions = [state.action];
  if (state.from) filter.from = startOfDayIn(state.from, zone);
  if (state.to) filter.to = startOfDayIn(nextDay(state.to), zone);
  return filter;
}

/** The exports page's URL for the audit trail under this filter (its lists comma-separated, as it reads them). */
function exportQuery(filter: AuditFilter): URLSearchParams {
  const query = new URLSearchParams({ module: 'audit' });
  for (const key of ['actorIds', 'entities', 'actions'] as const) if (filter[key]?.length) query.set(key, filter[key].join(','));
  for (const key of ['from', 'to', 'entityId'] as const) if (filter[key]) query.set(key, filter[key]);
  return query;
}

/** The audit trail, newest first, filterable; #/audit/<seq> opens one event with its field diff. */
export function AuditScreen() {
  const t = useAuditT();
  const route = useRoute();
  const areas = useAreas();
  const people = usePeople();
  // Events tied to an area are in its site's zone; the rest (people, sessions, settings) and the
  // filter's whole days in the tenant's.
  const siteTime = useSiteTime();
  const state = filterStateFrom(route.query);
  // The day range is sent as instants, so the list waits for the zone the days are in.
  const filter = toAuditFilter(state, siteTime.tenantZone);
  const events = useInfiniteQuery({ ...auditListQuery(filter), enabled: !siteTime.isPending });
  const exportHref = hrefFor('exports', null, exportQuery(filter));
  const queryClient = useQueryClient();
  const filtersRef = useRef<HTMLFormElement>(null);
  // This screen's common actions in the command palette (Ctrl+K) while it is open.
  usePaletteActions(
    useMemo(
      () => [
        { id: 'audit.verify', label: t('verifyAgain'), run: () => void queryClient.invalidateQueries({ queryKey: auditKeys.verify() }) },
        { id: 'audit.filter', label: t('focusFilters'), run: () => filtersRef.current?.querySelector<HTMLElement>('select, input')?.focus() },
        { id: 'audit.export', label: t('exportTrail'), run: () => window.location.assign(exportHref) },
      ],
      [t, queryClient, exportHref],
    ),
  );
  const rows = events.data?.pages.flatMap((page) => page.items) ?? [];
  const actorName = (id: string | null) => (id === null ? t('system') : (people.nameOf(id) ?? (people.people ? t('unknownActor', { id: id.slice(0, 8) }) : id.slice(0, 8))));
  const recordText = useRecordText();
  const selectedSeq = route.id && /^\d+$/.test(route.id) ? Number(route.id) : null;

  const setFilter = (key: keyof AuditFilterState, value: string) => {
    const query = new URLSearchParams(route.query);
    if (value) query.set(key, value);
    else query.delete(key);
    navigate('audit', route.id, query, { replace: true });
  };
  const clearFilters = () => {
    const query = new URLSearchParams(route.query);
    for (const key of filterKeys) query.delete(key);
    navigate('audit', route.id, query, { replace: true });
  };

  return (
    <section className={selectedSeq === null ? 'audit-screen' : 'audit-screen has-detail'} aria-labelledby="screen-title">
      <div className="audit-list-pane">
        <header className="audit-header">
          <h1 id="screen-title">{t('title')}</h1>
          <a className="export-link" href={exportHref}>
            {t('exportTrail')}
          </a>
        </header>
        <ChainStatusBanner />
        <AuditFilters formRef={filtersRef} value={state} people={people.people} zone={siteTime.tenantZone} onChange={setFilter} onClear={clearFilters} />
        <QueryState isPending={events.isPending} error={events.error} isEmpty={rows.length === 0} emptyText={t('empty')} onRetry={() => void events.refetch()}>
          <div className="audit-table-wrap">
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('colSeq')}
                  </th>
                  <th scope="col">{t('colTime')}</th>
                  <th scope="col">{t('colActor')}</th>
                  <th scope="col">{t('colAction')}</th>
                  <th scope="col">{t('colEntity')}</th>
                  <th scope="col" className="col-optional">
                    {t('colReason')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((event) => {
                  const selected = event.seq === selectedSeq;
                  return (
                    <tr key={event.seq} className={selected ? 'selected' : undefined} aria-selected={selected}>
                      <td className="num">
                        <a href={hrefFor('audit', String(event.seq), route.query)} aria-current={selected ? 'true' : undefined}>
                          {event.seq}
                        </a>
                      </td>
                      <td className="nowrap">{siteTime.format(event.server_time, event.area_id)}</td>
                      <td className="clip">{actorName(event.actor_id)}</td>
                      <td className="clip" title={actionLabel(t, event.action)}>
                        {actionLabel(t, event.action)}
                      </td>
                      <td className="clip record-cell" title={`${entityLabel(t, event.entity)}: ${recordText(event)}`}>
                        <span className="muted">{entityLabel(t, event.entity)}</span> <RecordName event={event} />
                      </td>
                      <td className="clip col-optional" title={event.reason ?? undefined}>
                        {event.reason ?? ''}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <footer className="audit-footer">
            <span role="status">{t('shown', { count: rows.length })}</span>
            {events.hasNextPage && (
              <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
                {t('loadMore')}
              </button>
            )}
          </footer>
        </QueryState>
      </div>
      {selectedSeq !== null && (
        <AuditDetail key={selectedSeq} seq={selectedSeq} closeHref={hrefFor('audit', null, route.query)} actorName={actorName} nameOf={people.nameOf} zoneOf={siteTime.zoneOf} areas={areas.data} />
      )}
    </section>
  );
}
