import { beforeAll, describe, expect, it } from 'vitest';
import { glossary } from '../../renderer/src/i18n/glossary';
import { featureCatalogs, locales } from '../../renderer/src/i18n/i18n';

/** Every catalogue of the window (features' messages.ts and the shell's), English beside German. */
const messageModules = import.meta.glob('../../renderer/src/**/messages.ts', { eager: true });

interface Pair {
  key: string;
  en: string;
  de: string;
}
const pairs: Pair[] = [];

beforeAll(() => {
  // The eager glob above has already run every catalogue's defineMessages.
  expect(Object.keys(messageModules).length).toBeGreaterThanOrEqual(7);
  for (const catalog of featureCatalogs) {
    for (const [key, en] of Object.entries(catalog.en)) pairs.push({ key: `${catalog.feature}.${key}`, en: String(en), de: String((catalog.de as Record<string, string>)[key]) });
  }
  for (const [key, en] of Object.entries(locales.en)) pairs.push({ key, en, de: (locales.de as Record<string, string>)[key] ?? '' });
});

describe('the German glossary', () => {
  it('reads every catalogue', () => {
    expect(featureCatalogs.length).toBeGreaterThanOrEqual(6);
    expect(pairs.length).toBeGreaterThan(500);
  });

  it.each(glossary.map((term) => [term.deTerm, term] as const))('says "%s" wherever the English uses the term', (_name, term) => {
    const used = pairs.filter((pair) => term.en.test(pair.en));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((pair) => !term.de.test(pair.de)).map((pair) => `${pair.key}: ${pair.en} | ${pair.de}`)).toEqual([]);
  });

  it.each(glossary.filter((term) => term.avoid).map((term) => [term.deTerm, term] as const))('never says another word for "%s"', (_name, term) => {
    expect(pairs.filter((pair) => term.avoid!.test(pair.de)).map((pair) => `${pair.key}: ${pair.de}`)).toEqual([]);
  });
});
