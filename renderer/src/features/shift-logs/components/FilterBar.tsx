import { useEffect, useId, useRef, useState } from 'react';
import { entryCategories, entrySeverities, shiftLogStatuses } from '../../../../../shared/domain/plant';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import type { AreaIndex } from '../hooks/useAreaIndex';
import { useShiftLogT } from '../messages';
import { severityGlyphs } from './marks';

const searchDelayMs = 300;

function toggle<T>(list: readonly T[] | undefined, value: T): T[] {
  const current = list ?? [];
  return current.includes(value) ? current.filter((item) => item !== value) : [...current, value];
}

function sameSet(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && b.every((value) => a.includes(value));
}

function TriState(props: { label: string; value: boolean | undefined; onChange(value: boolean | undefined): void }) {
  const t = useShiftLogT();
  const id = useId();
  return (
    <div className="filter-field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value === undefined ? '' : props.value ? '1' : '0'}
        onChange={(event) => props.onChange(event.target.value === '' ? undefined : event.target.value === '1')}
      >
        <option value="">{t('filter.any')}</option>
        <option value="1">{t('filter.yes')}</option>
        <option value="0">{t('filter.no')}</option>
      </select>
    </div>
  );
}

function Checks<T extends string>(props: { legend: string; options: readonly T[]; selected: readonly T[] | undefined; label(value: T): string; onChange(next: T[]): void }) {
  return (
    <fieldset className="filter-checks">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option}>
          <input type="checkbox" checked={props.selected?.includes(option) ?? false} onChange={() => props.onChange(toggle(props.selected, option))} />
          {props.label(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** Every filter of the list; each change goes to the URL (the one source of the filter). */
export function FilterBar(props: {
  filter: ShiftLogFilterInput;
  onChange(next: ShiftLogFilterInput): void;
  areas: AreaIndex;
  people: { id: string; name: string }[];
  shiftNames: string[];
}) {
  const t = useShiftLogT();
  const { filter, onChange } = props;
  const ids = { area: useId(), from: useId(), to: useId(), shift: useId(), shifts: useId(), author: useId(), search: useId() };

  // Search waits for a pause in typing; the URL (and the query) follow the settled text.
  const [text, setText] = useState(filter.text ?? '');
  const sent = useRef(filter.text ?? '');
  useEffect(() => {
    // Only a change from elsewhere (a reopened URL, "clear") replaces what is being typed.
    if ((filter.text ?? '') !== sent.current) {
      sent.current = filter.text ?? '';
      setText(sent.current);
    }
  }, [filter.text]);
  useEffect(() => {
    if ((filter.text ?? '') === text) return;
    const timer = setTimeout(() => {
      sent.current = text.trim() === '' ? '' : text;
      onChange({ ...filter, text: text.trim() === '' ? undefined : text });
    }, searchDelayMs);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);

  const selectedArea = props.areas.areas.find((area) => sameSet(filter.areaIds, props.areas.subtree(area.id)))?.id ?? '';
  const set = (patch: Partial<ShiftLogFilterInput>) => onChange({ ...filter, ...patch });

  return (
    <form className="filter-bar" role="search" aria-label={t('filter.label')} onSubmit={(event) => event.preventDefault()}>
      <div className="filter-field filter-search">
        <label htmlFor={ids.search}>{t('filter.search')}</label>
        <input id={ids.search} type="search" value={text} onChange={(event) => setText(event.target.value)} placeholder={t('filter.searchPlaceholder')} />
      </div>
      <div className="filter-field">
        <label htmlFor={ids.area}>{t('filter.area')}</label>
        <select id={ids.area} value={selectedArea} onChange={(event) => set({ areaIds: event.target.value ? props.areas.subtree(event.target.value) : undefined })}>
          <option value="">{t('filter.allAreas')}</option>
          {props.areas.areas.map((area) => (
            <option key={area.id} value={area.id}>
              {`${'\u00a0\u00a0'.repeat(props.areas.depth(area.id))}${area.name}`}
            </option>
          ))}
        </select>
      </div>
      <div className="filter-field">
        <label htmlFor={ids.from}>{t('filter.from')}</label>
        <input id={ids.from} type="date" value={filter.shiftDateFrom ?? ''} onChange={(event) => set({ shiftDateFrom: event.target.value || undefined })} />
      </div>
      <div className="filter-field">
        <label htmlFor={ids.to}>{t('filter.to')}</label>
        <input id={ids.to} type="date" value={filter.shiftDateTo ?? ''} onChange={(event) => set({ shiftDateTo: event.target.value || undefined })} />
      </div>
      <div className="filter-field">
        <label htmlFor={ids.shift}>{t('filter.shift')}</label>
        <input
          id={ids.shift}
          list={ids.shifts}
          value={filter.shiftNames?.join(',') ?? ''}
          onChange={(event) => set({ shiftNames: event.target.value.split(',').map((name) => name.trim()).filter(Boolean) })}
        />
        <datalist id={ids.shifts}>
          {props.shiftNames.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </div>
      <div className="filter-field">
        <label htmlFor={ids.author}>{t('filter.author')}</label>
        <select id={ids.author} value={filter.authorIds?.[0] ?? ''} onChange={(event) => set({ authorIds: event.target.value ? [event.target.value] : undefined })}>
          <option value="">{t('filter.anyone')}</option>
          {props.people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.name}
            </option>
          ))}
          {filter.authorIds?.[0] && !props.people.some((person) => person.id === filter.authorIds?.[0]) && <option value={filter.authorIds[0]}>{filter.authorIds[0]}</option>}
        </select>
      </div>
      <TriState label={t('filter.late')} value={filter.late} onChange={(late) => set({ late })} />
      <TriState label={t('filter.amendedAfterSignoff')} value={filter.amendedAfterSignoff} onChange={(amendedAfterSignoff) => set({ amendedAfterSignoff })} />
      <Checks
        legend={t('filter.severity')}
        options={entrySeverities}
        selected={filter.severities}
        label={(severity) => `${severityGlyphs[severity]} ${t(`severity.${severity}`)}`}
        onChange={(severities) => set({ severities })}
      />
      <Checks legend={t('filter.status')} options={shiftLogStatuses} selected={filter.statuses} label={(status) => t(`status.${status}`)} onChange={(statuses) => set({ statuses })} />
      <Checks legend={t('filter.category')} options={entryCategories} selected={filter.categories} label={(category) => t(`category.${category}`)} onChange={(categories) => set({ categories })} />
      <button type="button" className="link-button" onClick={() => onChange({})}>
        {t('filter.clear')}
      </button>
    </form>
  );
}
