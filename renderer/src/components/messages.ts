import { defineMessages } from '../i18n/i18n';

/** Strings of the shared components (states every screen has). */
export const useCommonT = defineMessages({
  feature: 'common',
  en: {
    loading: 'Loading…',
    empty: 'Nothing to show.',
    retry: 'Try again',
    offline: 'You are offline. This needs a connection to the Plantdesk server; it will work again once the workstation is back online.',
    forbidden: 'Your role does not allow this. Ask a tenant admin if you need it.',
    close: 'Close',
    cancel: 'Cancel',
    errorTitle: 'Something went wrong',
  },
  de: {
    loading: 'Wird geladen…',
    empty: 'Nichts anzuzeigen.',
    retry: 'Erneut versuchen',
    offline: 'Sie sind offline. Dafür ist eine Verbindung zum Plantdesk-Server nötig; es funktioniert wieder, sobald der Arbeitsplatz online ist.',
    forbidden: 'Ihre Rolle erlaubt das nicht. Wenden Sie sich an eine Mandanten-Administration, wenn Sie es brauchen.',
    close: 'Schließen',
    cancel: 'Abbrechen',
    errorTitle: 'Etwas ist schiefgelaufen',
  },
});
