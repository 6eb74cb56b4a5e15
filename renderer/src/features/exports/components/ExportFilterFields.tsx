import { useId } from 'react';
import { entrySeverities } from '../../../../../shared/domain/plant';
import { userStatuses } from '../../../../../shared/domain/tenancy';
import type { ExportModule } from '../../../../../shared/exports';
import { formatDate, formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import type { AreaView } from '../../../workstation/areas';
import { compactFilter, type ExportFilter } from '../hooks/export-filter';
import { useExportsT } from '../messages';

type Areas = readonly AreaView[];
type T = ReturnType<typeof useExportsT>;
type Key = Parameters<T>[0];

const enumValues = new Set(['severities', 'categories', 'statuses']);
const idLists = new Set(['authorIds', 'actorIds', 'userIds']);
const dates = new Set(['shiftDateFrom', 'shiftDateTo']);
const instants = new Set(['occurredFrom', 'occurredBefore', 'from', 'to']);

/** A label from the catalogue, or the raw key for a filter member this version does not name. */
function translated(t: T, key: string): string {
  const text = t(key as Key);
  return text === key ? key.replace(/^(filter|value)\./, '') : text;
}

function summaryValue(t: T, key: string, value: unknown, context: { areas: Areas | undefined; locale: 'en' | 'de'; timeZone: string }): string {
  if (typeof value === 'boolean') return t(value ? 'yes' : 'no');
  if (Array.isArray(value)) {
    if (enumValues.has(key)) return value.map((item) => translated(t, `value.${String(item)}`)).join(', ');
    if (key === 'areaIds') return value.map((id) => context.areas?.find((area) => area.id === id)?.name ?? String(id)).join(', ');
    if (idLists.has(key)) return t('selectedCount', { count: value.length });
    return value.map(String).join(', ');
  }
  if (typeof value === 'string') {
    if (dates.has(key)) return formatDate(`${value}T00:00:00Z`, context.locale, 'UTC');
    if (instants.has(key)) return formatDateTime(value, context.locale, context.timeZone);
    return key === 'text' ? t('quoted', { text: value }) : value;
  }
  return JSON.stringify(value);
}

/** The filter in one line ("Severity: high · Late entries: yes"), for the history table. */
export function FilterLine(props: { filter: Record<string, unknown>; areas: Areas | undefined; timeZone: string }) {
  const t = useExportsT();
  const locale = useLocaleStore((state) => state.locale);
  const entries = Object.entries(compactFilter(props.filter));
  const text =
    entries.length === 0
      ? t('filterNone')
      : entries.map(([key, value]) => `${translated(t, `filter.${key}`)}: ${summaryValue(t, key, value, { areas: props.areas, locale, timeZone: props.timeZone })}`).join(' · ');
  return <span className="exports-filter-line">{text}</span>;
}

/** The filter as a person reads it: one "label: value" pair per condition. */
export function FilterSummary(props: { filter: ExportFilter; areas: Areas | undefined; timeZone: string }) {
  const t = useExportsT();
  const locale = useLocaleStore((state) => state.locale);
  const entries = Object.entries(compactFilter(props.filter));
  if (entries.length === 0) return <p className="exports-filter-summary">{t('filterNone')}</p>;
  return (
    <dl className="exports-filter-summary" data-testid="export-filter-summary">
      {entries.map(([key, value]) => (
        <div key={key} className="exports-chip">
          <dt>{translated(t, `filter.${key}`)}</dt>
          <dd>{summaryValue(t, key, value, { areas: props.areas, locale, timeZone: props.timeZone })}</dd>
        </div>
      ))}
    </dl>
  );
}

function CheckboxGroup(props: { legend: string; values: readonly string[]; selected: string[]; onChange: (selected: string[]) => void }) {
  const t = useExportsT();
  return (
    <fieldset className="exports-checks">
      <legend>{props.legend}</legend>
      {props.values.map((value) => (
        <label key={value}>
          <input
            type="checkbox"
            checked={props.selected.includes(value)}
            onChange={(event) => props.onChange(event.target.checked ? [...props.selected, value] : props.selected.filter((item) => item !== value))}
          />
          {translated(t, `value.${value}`)}
        </label>
      ))}
    </fieldset>
  );
}

function TextField(props: { label: string; type: 'date' | 'search'; value: string; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="exports-field">
      <label htmlFor={id}>{props.label}</label>
      <input id={id} type={props.type} value={props.value} onChange={(event) => props.onChange(event.target.value)} />
    </div>
  );
}

const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const asText = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The basic conditions of each module, editable here; anything else the view brought along
 * (areas, authors, categories...) stays in the filter and in the summary until cleared.
 */
export function FilterFields(props: { module: ExportModule; filter: ExportFilter; onChange: (filter: ExportFilter) => void }) {
  const t = useExportsT();
  const { filter } = props;
  const set = (key: string, value: unknown) => props.onChange(compactFilter({ ...filter, [key]: value }));
  switch (props.module) {
    case 'shift-logs':
      return (
        <div className="exports-fields">
          <CheckboxGroup legend={t('filter.severities')} values={entrySeverities} selected={asList(filter.severities)} onChange={(list) => set('severities', list)} />
          <TextField label={t('filter.shiftDateFrom')} type="date" value={asText(filter.shiftDateFrom)} onChange={(value) => set('shiftDateFrom', value)} />
          <TextField label={t('filter.shiftDateTo')} type="date" value={asText(filter.shiftDateTo)} onChange={(value) => set('shiftDateTo', value)} />
          <TextField label={t('filter.text')} type="search" value={asText(filter.text)} onChange={(value) => set('text', value)} />
        </div>
      );
    case 'audit':
      // Whole UTC days: an audit export spans sites, and the file's times are UTC too.
      return (
        <div className="exports-fields">
          <TextField label={`${t('filter.from')} (UTC)`} type="date" value={asText(filter.from).slice(0, 10)} onChange={(value) => set('from', value ? `${value}T00:00:00.000Z` : '')} />
          <TextField label={`${t('filter.to')} (UTC)`} type="date" value={asText(filter.to).slice(0, 10)} onChange={(value) => set('to', value ? `${value}T23:59:59.999Z` : '')} />
        </div>
      );
    case 'users':
      return (
        <div className="exports-fields">
          <CheckboxGroup legend={t('filter.statuses')} values={userStatuses} selected={asList(filter.statuses)} onChange={(list) => set('statuses', list)} />
          <TextField label={t('filter.text')} type="search" value={asText(filter.text)} onChange={(value) => set('text', value)} />
        </div>
      );
    case 'sessions':
      return (
        <div className="exports-fields">
          <label className="exports-check">
            <input type="checkbox" checked={filter.active === true} onChange={(event) => set('active', event.target.checked ? true : undefined)} />
            {t('filter.active')}
          </label>
        </div>
      );
  }
}
