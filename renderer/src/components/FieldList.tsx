import { PERSONAL_FIELD_MASK } from '../../../shared/domain/audit';
import { formatDate, formatDateTime } from '../i18n/format';
import { useLocaleStore } from '../i18n/i18n';
import type { AreaView } from '../workstation/areas';
import { useFieldT } from './field-messages';
import './fields.css';

type FieldT = ReturnType<typeof useFieldT>;

/** What a record's values are shown against: area and person names, and the zone for times. */
export interface FieldContext {
  areas: readonly AreaView[] | undefined;
  /** A person's name, or undefined where unknown or not to be seen (the id is shown then). */
  nameOf?: (id: string) => string | undefined;
  /** A record's name for an id field (a log by area, date and shift), where the caller knows it. */
  recordName?: (field: string, id: string) => string | undefined;
  timeZone: string;
}

const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const hash = /^[0-9a-f]{40,}$/;
/** A calendar date (a shift date): shown as the language writes dates, with no zone to apply. */
const calendarDate = /^\d{4}-\d{2}-\d{2}$/;
const code = /^[a-z][a-z_]*$/;
/** Fields that hold a person's id. */
const personFields = new Set(['author_id', 'created_by', 'user_id', 'actor_id', 'signer_id', 'revoked_by', 'outgoing_ack_by', 'incoming_ack_by', 'updated_by']);
/** Members a person gains nothing from reading here (a signing ticket is the server's one-time proof, not a fact). */
const hidden = new Set(['tenant_id', 'signing_ticket']);

function lookup(t: FieldT, key: string): string | null {
  const text = t(key as Parameters<FieldT>[0]);
  return text === key ? null : text;
}

/** shiftLogId and shift_log_id are the same field: args are camelCase, server rows snake_case. */
export function fieldKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** "occurred_at" -> "Occurred at"; a field without a label is made readable ("shift_kind" -> "Shift kind"). */
export function fieldLabel(t: FieldT, key: string): string {
  const snake = fieldKey(key);
  const plain = snake.replace(/_/g, ' ');
  return lookup(t, `field.${snake}`) ?? plain.charAt(0).toUpperCase() + plain.slice(1);
}

/** One value in words: names for ids, times in the zone, codes in words, Yes/No, personal data masked. */
export function FieldValue(props: { field: string; value: unknown } & FieldContext) {
  const t = useFieldT();
  const locale = useLocaleStore((state) => state.locale);
  const { value, field } = props;
  if (value === PERSONAL_FIELD_MASK)
    return (
      <span className="field-personal">
        <span aria-hidden="true">🔒 </span>
        {t('personal')}
      </span>
    );
  if (value === null || value === undefined || value === '') return <span className="field-none">{t('empty')}</span>;
  if (typeof value === 'boolean') return <>{t(value ? 'value.true' : 'value.false')}</>;
  if (typeof value === 'number') return <>{new Intl.NumberFormat(locale).format(value)}</>;
  if (typeof value === 'string') {
    const named = props.recordName?.(field, value);
    if (named) return <IdName id={value} name={named} />;
    if (field === 'area_id') return <IdName id={value} name={props.areas?.find((area) => area.id === value)?.name} />;
    if (personFields.has(field)) return <IdName id={value} name={props.nameOf?.(value)} />;
    if (calendarDate.test(value)) return <time dateTime={value}>{formatDate(`${value}T12:00:00Z`, locale, 'UTC')}</time>;
    if (instant.test(value)) return <time dateTime={value}>{formatDateTime(value, locale, props.timeZone)}</time>;
    if (hash.test(value))
      return (
        <code title={value} className="field-code">
          {value.slice(0, 16)}…
        </code>
      );
    return <>{(code.test(value) && lookup(t, `value.${value}`)) || value}</>;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    if (value.length === 0) return <span className="field-none">{t('empty')}</span>;
    // An area list (a person's areas) by name; any other list as it is.
    const areaList = field === 'areas' || field === 'area_ids';
    return <>{value.map((item) => (areaList ? (props.areas?.find((area) => area.id === item)?.name ?? String(item)) : String(item))).join(', ')}</>;
  }
  if (typeof value === 'object' && !Array.isArray(value)) {
    return <FieldList record={value as Record<string, unknown>} areas={props.areas} nameOf={props.nameOf} recordName={props.recordName} timeZone={props.timeZone} nested />;
  }
  return <code className="field-code">{JSON.stringify(value)}</code>;
}

/** A name where one is known, with the id kept on hover; else the id itself. */
function IdName(props: { id: string; name: string | undefined }) {
  if (props.name) return <span title={props.id}>{props.name}</span>;
  return <code className="field-code">{props.id}</code>;
}

/**
 * A record as labelled fields: the local intent (a mutation's args), the server's row, or a
 * nested object of either.
 */
export function FieldList(props: { record: Record<string, unknown>; nested?: boolean } & FieldContext) {
  const t = useFieldT();
  const entries = Object.entries(props.record).filter(([key]) => !hidden.has(fieldKey(key)));
  return (
    <dl className={props.nested ? 'field-list field-list-nested' : 'field-list'}>
      {entries.map(([key, value]) => (
        <div key={key} className="field-item">
          <dt>{fieldLabel(t, key)}</dt>
          <dd>
            <FieldValue field={fieldKey(key)} value={value} areas={props.areas} nameOf={props.nameOf} recordName={props.recordName} timeZone={props.timeZone} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
