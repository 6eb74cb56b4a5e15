/**
 * English strings: the reference catalogue. Keys are `feature.thing`; `{name}` is replaced by
 * a parameter; keys ending in `_one` / `_other` are chosen by Intl.PluralRules on `{count}`.
 */
export const en = {
  'app.name': 'Plantdesk',
  'app.tagline': 'Shift logs, people and audit records for your plant, online or offline.',
  'app.footer': 'Plantdesk {version} · {platform}/{arch}',
  'session.label': 'Session',
  'session.checking': 'Checking…',
  'session.unavailable': 'Unavailable',
  'session.state.signed_out': 'Not signed in',
  'session.state.locked': 'Locked',
  'session.state.unlocked': 'Signed in',
  'connection.label': 'Connection',
  'connection.online': 'Online',
  'connection.offline': 'Offline',
  'common.none': '—',
  'common.rows_one': '{count} row',
  'common.rows_other': '{count} rows',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
