import { formatDate } from '../../../i18n/format';
import type { Locale } from '../../../i18n/i18n';
import { hrefFor } from '../../../lib/router';
import type { AuditEventView } from '../api/queries';

/** How the record column reads: a name (with a link where the app shows the record), or the start of its id. */
export type RecordShown = { kind: 'named'; text: string; href: string | null } | { kind: 'id'; id: string } | { kind: 'none' };

/** Enough of an entry to recognise it: its first words, up to about this many characters. */
const entryWords = 48;

function firstWords(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= entryWords) return flat;
  const cut = flat.slice(0, entryWords + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > entryWords / 2 ? cut.slice(0, space) : cut.slice(0, entryWords)).replace(/[\s,.;:]+$/, '')}…`;
}

/** A shift date (YYYY-MM-DD) as the language writes a date; it is a calendar day, so no zone shifts it. */
const shiftDate = (day: string, locale: Locale) => formatDate(`${day}T12:00:00.000Z`, locale, 'UTC');

export function recordShown(event: Pick<AuditEventView, 'entity' | 'entity_id' | 'record'>, locale: Locale): RecordShown {
  const record = event.record;
  if (record) {
    const href = record.shift_log_id ? hrefFor('shift-logs', record.shift_log_id) : record.user_id ? hrefFor('people', record.user_id) : null;
    if (record.shift_date) {
      const parts = [record.area_name, shiftDate(record.shift_date, locale), record.shift_name].filter((part): part is string => !!part);
      return { kind: 'named', text: parts.join(' · '), href };
    }
    if (record.name) return { kind: 'named', text: event.entity === 'log_entry' ? firstWords(record.name) : record.name, href };
  }
  return event.entity_id ? { kind: 'id', id: event.entity_id.slice(0, 8) } : { kind: 'none' };
}
