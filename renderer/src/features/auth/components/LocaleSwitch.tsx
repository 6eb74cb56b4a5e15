import { useId } from 'react';
import { useLocaleStore, type Locale } from '../../../i18n/i18n';
import { useAuthT } from '../messages';

/** Each language named in itself, so a person who cannot read the current one still finds theirs. */
const localeNames: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export function LocaleSwitch() {
  const t = useAuthT();
  const id = useId();
  const locale = useLocaleStore((state) => state.locale);
  const setLocale = useLocaleStore((state) => state.setLocale);
  return (
    <span className="locale-switch">
      {/* The select shows the language by name; the label is for screen readers (and keeps the header on one line). */}
      <label htmlFor={id} className="visually-hidden">
        {t('language')}
      </label>
      <select id={id} value={locale} onChange={(event) => setLocale(event.target.value as Locale)}>
        {(Object.keys(localeNames) as Locale[]).map((value) => (
          <option key={value} value={value} lang={value}>
            {localeNames[value]}
          </option>
        ))}
      </select>
    </span>
  );
}
