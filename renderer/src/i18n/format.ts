import type { Locale } from './i18n';

/**
 * Times are stored in UTC and shown in the SITE's time zone, named, whatever the workstation's
 * own zone is (DOMAIN.md): a night shift in Europe/London reads the same in New York.
 */
export function formatDateTime(iso: string, locale: Locale, timeZone: string): string {
  // dateStyle/timeStyle cannot be combined with timeZoneName, hence the explicit fields.
  return withZoneName(
    new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }),
    iso,
    timeZone,
  );
}

/**
 * Formats with the zone named as people at the site name it: where the language has no short
 * name of its own for the zone (German says "GMT-6" for Chicago), the site's usual
 * abbreviation ("CST") is used, as on the site's own clocks and documents.
 */
function withZoneName(format: Intl.DateTimeFormat, iso: string, timeZone: string): string {
  const date = new Date(iso);
  // format() is what people see (its spaces differ from formatToParts' in some engines).
  const text = format.format(date);
  const zoneName = format.formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  if (!zoneName || !/^(GMT|UTC)[+\-−]/.test(zoneName)) return text;
  const usual = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  return usual && /^[A-Z]{2,5}$/.test(usual) ? text.replace(zoneName, usual) : text;
}

export function formatDate(iso: string, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso));
}

export function formatTime(iso: string, locale: Locale, timeZone: string): string {
  return withZoneName(new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }), iso, timeZone);
}

export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

export function formatBytes(bytes: number, locale: Locale): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

/**
 * A calendar date (`YYYY-MM-DD`, e.g. a shift date: already the site's calendar, so no zone
 * applies): `medium` "Mar 12, 2026" / "12.03.2026", `short` without the year, `month` "Mar 2026".
 */
export function formatCalendarDate(day: string, locale: Locale, style: 'medium' | 'short' | 'month' = 'medium'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'medium' ? { dateStyle: 'medium' } : style === 'short' ? { day: 'numeric', month: 'short' } : { month: 'short', year: 'numeric' };
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

/** The site-local calendar date (`YYYY-MM-DD`) of an instant. */
export function calendarDateIn(iso: string, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(new Date(iso));
}
