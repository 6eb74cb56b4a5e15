import { create } from 'zustand';
import { de } from './messages/de';
import { en, type MessageKey, type Messages } from './messages/en';

export const locales = { en, de } satisfies Record<string, Messages>;
export type Locale = keyof typeof locales;

type PluralBase<K> = K extends `${infer B}_one` ? B : K extends `${infer B}_other` ? B : never;
/** Plain keys, plus the base name of `_one`/`_other` pairs (chosen by count). */
export type TranslationKey = Exclude<MessageKey, `${string}_one` | `${string}_other`> | PluralBase<MessageKey>;
export type TranslationParams = Record<string, string | number>;

export function pickLocale(languages: readonly string[]): Locale {
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base in locales) return base as Locale;
  }
  return 'en';
}

/** Looks a key up in one locale and fills its `{name}` slots; numbers are formatted for the locale. */
export function translate(locale: Locale, key: TranslationKey, params: TranslationParams = {}): string {
  const messages: Messages = locales[locale];
  let template: string | undefined = (messages as Record<string, string>)[key];
  if (template === undefined && typeof params.count === 'number') {
    const form = new Intl.PluralRules(locale).select(params.count) === 'one' ? 'one' : 'other';
    template = (messages as Record<string, string>)[`${key}_${form}`];
  }
  if (template === undefined) return key;
  return fill(locale, template, params);
}

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
}

const localeStorageKey = 'plantdesk.locale';

/** The locale the person chose before on this workstation, else the workstation's languages. */
function initialLocale(): Locale {
  try {
    const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(localeStorageKey);
    if (stored && stored in locales) return stored as Locale;
  } catch {
    // Storage unavailable: fall back to the workstation's languages.
  }
  return typeof navigator === 'undefined' ? 'en' : pickLocale(navigator.languages ?? [navigator.language]);
}

export const useLocaleStore = create<LocaleState>((set) => ({
  locale: initialLocale(),
  setLocale: (locale) => {
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(localeStorageKey, locale);
    } catch {
      // Not persisted: the choice holds for this window.
    }
    set({ locale });
  },
}));

// ---- feature catalogues ----------------------------------------------------------------
// Each feature owns its strings (features/<name>/messages.ts) so features stay independent;
// German must name every English key (the type says so), and every catalogue is registered
// here so tests can check that no English string is left on a German screen.

type Catalog = Record<string, string>;
type KeyOf<C> = Exclude<keyof C & string, `${string}_one` | `${string}_other`> | PluralBase<keyof C & string>;

export interface FeatureCatalog<E extends Catalog> {
  feature: string;
  en: E;
  de: { readonly [K in keyof E]: string };
  /** Strings that read the same in both languages (names, units), so identical is not untranslated. */
  sameInBoth?: readonly (keyof E)[];
}

export const featureCatalogs: FeatureCatalog<Catalog>[] = [];

function fill(locale: Locale, template: string, params: TranslationParams): string {
  return template.replace(/\{(\w+)\}/g, (slot, name: string) => {
    const value = params[name];
    if (value === undefined) return slot;
    return typeof value === 'number' ? new Intl.NumberFormat(locale).format(value) : value;
  });
}

export function translateIn<E extends Catalog>(catalog: FeatureCatalog<E>, locale: Locale, key: KeyOf<E>, params: TranslationParams = {}): string {
  const messages = (locale === 'de' ? catalog.de : catalog.en) as Catalog;
  let template: string | undefined = messages[key];
  if (template === undefined && typeof params.count === 'number') {
    const form = new Intl.PluralRules(locale).select(params.count) === 'one' ? 'one' : 'other';
    template = messages[`${key}_${form}`];
  }
  return template === undefined ? key : fill(locale, template, params);
}

/**
 * Declares a feature's strings and returns its hook:
 * `const useShiftLogT = defineMessages({ feature: 'shift-logs', en: {...}, de: {...} })`.
 */
export function defineMessages<const E extends Catalog>(catalog: FeatureCatalog<E>): () => (key: KeyOf<E>, params?: TranslationParams) => string {
  featureCatalogs.push(catalog as unknown as FeatureCatalog<Catalog>);
  return function useFeatureT() {
    const locale = useLocaleStore((state) => state.locale);
    return (key, params) => translateIn(catalog, locale, key, params);
  };
}

/** `const t = useT(); t('session.label')` — re-renders when the locale changes. */
export function useT(): (key: TranslationKey, params?: TranslationParams) => string {
  const locale = useLocaleStore((state) => state.locale);
  return (key, params) => translate(locale, key, params);
}
