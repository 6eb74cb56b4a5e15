import type { Messages } from './en';

/** German: complete by type (a missing key fails typecheck) and by test (no English left). */
export const de: Messages = {
  'app.name': 'Plantdesk',
  'app.tagline': 'Schichtbücher, Personen und Prüfpfade Ihres Werks – online und offline.',
  'app.footer': 'Plantdesk {version} · {platform}/{arch}',
  'session.label': 'Sitzung',
  'session.checking': 'Wird geprüft …',
  'session.unavailable': 'Nicht verfügbar',
  'session.state.signed_out': 'Nicht angemeldet',
  'session.state.locked': 'Gesperrt',
  'session.state.unlocked': 'Angemeldet',
  'connection.label': 'Verbindung',
  'connection.online': 'Online',
  'connection.offline': 'Offline',
  'common.none': '—',
  'common.rows_one': '{count} Zeile',
  'common.rows_other': '{count} Zeilen',
};
