import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import type { AreaView } from '../../../workstation/areas';
import { fieldKey, fieldLabel, lookup } from '../hooks/words';
import { useSyncT } from '../messages';

const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const hash = /^[0-9a-f]{40,}$/;
/** Members a person gains nothing from reading here. */
const hidden = new Set(['tenant_id']);
/** Members that hold a person's id: shown by name. */
const personFields = new Set(['author_id', 'created_by', 'signer_id', 'outgoing_ack_by', 'incoming_ack_by', 'revoked_by', 'user_id']);

/** Names for the people a card mentions, who "you" are, and the names of the logs it mentions. */
export interface PeopleNames {
  names: Readonly<Record<string, string>>;
  me: string | null;
  logs?: Readonly<Record<string, string>>;
}

function Value(props: { field: string; value: unknown; areas: readonly AreaView[] | undefined; timeZone: string; people: PeopleNames }) {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const { value } = props;
  if (value === null || value === undefined || value === '') return <span className="sync-none">—</span>;
  if (typeof value === 'boolean') return <>{t(value ? 'value.true' : 'value.false')}</>;
  if (typeof value === 'number') return <>{new Intl.NumberFormat(locale).format(value)}</>;
  if (typeof value === 'string') {
    if (props.field === 'area_id') return <>{props.areas?.find((area) => area.id === value)?.name ?? value}</>;
    if (personFields.has(props.field)) return <>{personName(t, props.people, value)}</>;
    if (props.field === 'shift_log_id' && props.people.logs?.[value]) return <>{props.people.logs[value]}</>;
    if (instant.test(value)) return <time dateTime={value}>{formatDateTime(value, locale, props.timeZone)}</time>;
    if (hash.test(value))
      return (
        <code title={value} className="sync-hash">
          {value.slice(0, 16)}…
        </code>
      );
    return <>{lookup(t, `value.${value}`) ?? value}</>;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    return <FieldList record={value as Record<string, unknown>} areas={props.areas} timeZone={props.timeZone} people={props.people} nested />;
  }
  return <code>{JSON.stringify(value)}</code>;
}

/**
 * A record as labelled fields: the local intent (a mutation's args) or the server's row. People
 * and areas by name, times in the site's zone, hashes abbreviated with the full value kept.
 */
export function FieldList(props: { record: Record<string, unknown>; areas: readonly AreaView[] | undefined; timeZone: string; people: PeopleNames; nested?: boolean }) {
  const t = useSyncT();
  const entries = Object.entries(props.record).filter(([key]) => !hidden.has(fieldKey(key)));
  return (
    <dl className={props.nested ? 'sync-fields sync-fields-nested' : 'sync-fields'}>
      {entries.map(([key, value]) => (
        <div key={key} className="sync-field">
          <dt>{fieldLabel(t, key)}</dt>
          <dd>
            <Value field={fieldKey(key)} value={value} areas={props.areas} timeZone={props.timeZone} people={props.people} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A person by name: "you", their name where the reader may see them, else said to be hidden. */
export function personName(t: ReturnType<typeof useSyncT>, people: PeopleNames, id: string): string {
  if (id === people.me) return t('person.you');
  return people.names[id] ?? t('person.hidden');
}
