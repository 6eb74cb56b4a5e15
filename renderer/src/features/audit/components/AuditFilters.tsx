import { useId, type Ref } from 'react';
import { auditEntities } from '../../../../../shared/domain/audit';
import type { Person } from '../../../workstation/people';
import { useAuditT } from '../messages';
import { knownActions } from './labels';

export interface AuditFilterState {
  actor: string;
  entity: string;
  action: string;
  from: string;
  to: string;
}

export const filterKeys = ['actor', 'entity', 'action', 'from', 'to'] as const;

export function filterStateFrom(query: URLSearchParams): AuditFilterState {
  const day = (value: string | null) => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : '');
  return {
    actor: query.get('actor') ?? '',
    entity: query.get('entity') ?? '',
    action: query.get('action') ?? '',
    from: day(query.get('from')),
    to: day(query.get('to')),
  };
}

/** Actor, record type, action and a date range (days in the site's zone); the URL keeps them. */
export function AuditFilters(props: {
  value: AuditFilterState;
  people: Person[] | undefined;
  zone: string;
  onChange: (key: keyof AuditFilterState, value: string) => void;
  onClear: () => void;
  /** The form, so the screen can bring the focus to the filters (command palette). */
  formRef?: Ref<HTMLFormElement>;
}) {
  const t = useAuditT();
  const ids = { actor: useId(), entity: useId(), action: useId(), actions: useId(), from: useId(), to: useId() };
  const { value } = props;
  const anySet = filterKeys.some((key) => value[key] !== '');
  return (
    <form ref={props.formRef} className="audit-filters" role="search" aria-label={t('filters')} onSubmit={(event) => event.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.actor}>{props.people ? t('actor') : t('actorId')}</label>
        {props.people ? (
          <select id={ids.actor} value={value.actor} onChange={(event) => props.onChange('actor', event.target.value)}>
            <option value="">{t('anyActor')}</option>
            {props.people.map((person) => (
              <option key={person.id} value={person.id}>
                {person.name} ({person.email})
              </option>
            ))}
          </select>
        ) : (
          <input id={ids.actor} value={value.actor} onChange={(event) => props.onChange('actor', event.target.value.trim())} />
        )}
      </div>
      <div className="field">
        <label htmlFor={ids.entity}>{t('entity')}</label>
        <select id={ids.entity} value={value.entity} onChange={(event) => props.onChange('entity', event.target.value)}>
          <option value="">{t('anyEntity')}</option>
          {auditEntities.map((entity) => (
            <option key={entity} value={entity}>
              {t(`entity_${entity}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.action}>{t('action')}</label>
        <select id={ids.action} value={value.action} onChange={(event) => props.onChange('action', event.target.value)}>
          <option value="">{t('anyAction')}</option>
          {knownActions.map((action) => (
            <option key={action} value={action}>
              {t(`action_${action}`)}
            </option>
          ))}
          {value.action && !(knownActions as readonly string[]).includes(value.action) && <option value={value.action}>{value.action}</option>}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.from}>{t('from')}</label>
        <input id={ids.from} type="date" value={value.from} max={value.to || undefined} onChange={(event) => props.onChange('from', event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>{t('to')}</label>
        <input id={ids.to} type="date" value={value.to} min={value.from || undefined} onChange={(event) => props.onChange('to', event.target.value)} />
      </div>
      <span className="zone-note">{t('zoneNote', { zone: props.zone })}</span>
      {anySet && (
        <button type="button" onClick={props.onClear}>
          {t('clear')}
        </button>
      )}
    </form>
  );
}
