import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { useDeferredValue, useMemo, useState } from 'react';
import { userStatuses as statuses } from '../../../../../shared/domain/tenancy';
import { moduleNames } from '../../../../../shared/rbac';
import { QueryState } from '../../../components/QueryState';
import { usePaletteActions } from '../../../lib/palette';
import { hrefFor, navigate, useRoute } from '../../../lib/router';
import { useAreas } from '../../../workstation/areas';
import { usePermissions } from '../../../workstation/access';
import { userSortColumns } from '../../../../../shared/views';
import { usersKeys, usersListQuery, type UserFilter, type UserSort, type UserView } from '../api/queries';
import { useUsersT } from '../messages';
import { AddPersonDialog } from './AddPersonDialog';
import { UserDetail } from './UserDetail';
import { areaNames, statusGlyph, userAreas, userModules } from './user-fields';
import { LastSignIn } from './LastSignIn';
import '../users.css';

const defaultSort: UserSort = { column: 'email', dir: 'asc' };

/** `?sort=name.desc` in the URL, so a sorted list survives a reload and a link; anything else is the default. */
export function parseUserSort(value: string | null): UserSort {
  const [column, dir] = (value ?? '').split('.');
  if ((userSortColumns as readonly string[]).includes(column) && (dir === 'asc' || dir === 'desc')) return { column: column as UserSort['column'], dir };
  return defaultSort;
}

/** People and access (admin): the tenant's users, searchable, with a detail panel per person (#/people/<userId>). */
export function PeopleScreen() {
  const t = useUsersT();
  const route = useRoute();
  const permissions = usePermissions();
  const text = route.query.get('q') ?? '';
  const status = route.query.get('status');
  const deferredText = useDeferredValue(text);
  const filter: UserFilter = {
    ...(deferredText.trim() ? { text: deferredText.trim() } : {}),
    ...(status && (statuses as readonly string[]).includes(status) ? { statuses: [status as (typeof statuses)[number]] } : {}),
  };
  const sort = parseUserSort(route.query.get('sort'));
  const users = useInfiniteQuery(usersListQuery(filter, sort));
  const [adding, setAdding] = useState(false);
  const canManage = permissions.can('manage', 'user');
  const areas = useAreas();
  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];
  const queryClient = useQueryClient();
  // This screen's common actions in the command palette (Ctrl+K) while it is open.
  usePaletteActions(
    useMemo(
      () => [
        ...(canManage ? [{ id: 'people.add', label: t('addPerson.open'), run: () => setAdding(true) }] : []),
        { id: 'people.refresh', label: t('refresh'), run: () => void queryClient.invalidateQueries({ queryKey: usersKeys.all }) },
      ],
      [t, canManage, queryClient],
    ),
  );

  const setQuery = (key: string, value: string) => {
    const query = new URLSearchParams(route.query);
    if (value) query.set(key, value);
    else query.delete(key);
    navigate('people', route.id, query, { replace: true });
  };
  // The current column flips its direction; another column starts ascending.
  const sortBy = (column: UserSort['column']) => {
    const dir = sort.column === column && sort.dir === 'asc' ? 'desc' : 'asc';
    setQuery('sort', `${column}.${dir}`);
  };
  const header = (column: UserSort['column'], label: string) => (
    <SortHeader column={column} label={label} sort={sort} onSort={sortBy} />
  );
  const keepQuery = (userId: string | null) => hrefFor('people', userId, route.query);

  return (
    <section className={route.id ? 'people-screen has-detail' : 'people-screen'} aria-labelledby="screen-title">
      <div className="people-list-pane">
        <header className="people-header">
          <h1 id="screen-title">{t('title')}</h1>
          {canManage && (
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              {t('addPerson.open')}
            </button>
          )}
          <AddPersonDialog open={adding} onClose={() => setAdding(false)} />
          <div className="people-filters" role="search">
            <input type="search" aria-label={t('search')} placeholder={t('search')} value={text} onChange={(event) => setQuery('q', event.target.value)} />
            <select aria-label={t('statusFilter')} value={status ?? ''} onChange={(event) => setQuery('status', event.target.value)}>
              <option value="">{t('statusAll')}</option>
              {statuses.map((value) => (
                <option key={value} value={value}>
                  {t(`status_${value}`)}
                </option>
              ))}
            </select>
          </div>
        </header>
        <QueryState isPending={users.isPending} error={users.error} isEmpty={rows.length === 0} emptyText={t('emptyList')} onRetry={() => void users.refetch()}>
          <div className="people-table-wrap">
            <table className="people-grid people-table">
              <thead>
                <tr>
                  {header('name', t('colName'))}
                  {header('email', t('colEmail'))}
                  {header('role', t('colRole'))}
                  <th scope="col" className="col-optional">
                    {t('colAreas')}
                  </th>
                  <th scope="col" className="col-optional">
                    {t('colModules')}
                  </th>
                  {header('status', t('colStatus'))}
                  {header('lastSignIn', t('lastSignIn'))}
                </tr>
              </thead>
              <tbody>
                {rows.map((user) => (
                  <UserRow key={user.id} user={user} selected={route.id === user.id} href={keepQuery(user.id)} areaNamesOf={(ids) => areaNames(ids, areas.data)} />
                ))}
              </tbody>
            </table>
          </div>
          <footer className="people-footer">
            <span role="status">{t('shown', { count: rows.length })}</span>
            {users.hasNextPage && (
              <button type="button" onClick={() => void users.fetchNextPage()} disabled={users.isFetchingNextPage}>
                {t('loadMore')}
              </button>
            )}
          </footer>
        </QueryState>
      </div>
      {route.id && (
        <UserDetail key={route.id} userId={route.id} permissions={permissions} closeHref={keepQuery(null)} />
      )}
    </section>
  );
}

/** A column header that sorts: aria-sort on the header, a button inside it (the ARIA sortable-table pattern). */
function SortHeader(props: { column: UserSort['column']; label: string; sort: UserSort; onSort: (column: UserSort['column']) => void }) {
  const t = useUsersT();
  const current = props.sort.column === props.column;
  const ariaSort = current ? (props.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="people-sort" title={t('sortBy', { column: props.label })} onClick={() => props.onSort(props.column)}>
        {props.label}
        <span aria-hidden="true" className="people-sort-mark">
          {current ? (props.sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    </th>
  );
}

function UserRow(props: { user: UserView; selected: boolean; href: string; areaNamesOf: (ids: string[]) => string[] }) {
  const t = useUsersT();
  const { user } = props;
  const areaIds = userAreas(user);
  const modules = userModules(user);
  const enabled = moduleNames.filter((name) => modules[name]);
  return (
    <tr aria-selected={props.selected} className={props.selected ? 'selected' : undefined}>
      <td className="cell-name">
        <a href={props.href} aria-current={props.selected ? 'true' : undefined}>
          {user.display_name}
        </a>
      </td>
      <td className="cell-email">{user.email}</td>
      <td>{t(`role_${user.org_role ?? 'none'}`)}</td>
      <td className="cell-clip col-optional" title={areaIds.length ? props.areaNamesOf(areaIds).join(', ') : undefined}>
        {areaIds.length ? props.areaNamesOf(areaIds).join(', ') : t('allAreas')}
      </td>
      <td className="cell-clip col-optional">{enabled.length ? enabled.map((name) => t(`module_${name}`)).join(', ') : t('noModules')}</td>
      <td>
        <span className={`user-status user-status-${user.status}`}>
          <span aria-hidden="true">{statusGlyph[user.status]}</span> {t(`status_${user.status}`)}
        </span>
      </td>
      <td className="cell-time">
        <LastSignIn at={user.last_sign_in_at} />
      </td>
    </tr>
  );
}
