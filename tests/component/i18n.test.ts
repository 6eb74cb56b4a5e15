import { describe, expect, it } from 'vitest';
import { formatDateTime, formatTime } from '../../renderer/src/i18n/format';
import { featureCatalogs, locales, pickLocale, translate } from '../../renderer/src/i18n/i18n';
// Registers the catalogues checked below.
import '../../renderer/src/features/auth/messages';

// Words that read the same in German and English, so "identical" is not "untranslated".
const sameInBothLanguages = new Set(['app.name', 'app.footer', 'connection.online', 'connection.offline', 'common.none']);

describe('the i18n layer', () => {
  it('has German for every English key, and no English left in the German catalogue', () => {
    expect(Object.keys(locales.de).sort()).toEqual(Object.keys(locales.en).sort());
    const untranslated = Object.keys(locales.en).filter(
      (key) => !sameInBothLanguages.has(key) && (locales.de as Record<string, string>)[key] === (locales.en as Record<string, string>)[key],
    );
    expect(untranslated).toEqual([]);
  });

  it('keeps every {slot} of a message in its translation', () => {
    for (const [key, english] of Object.entries(locales.en)) {
      const slots = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(slots((locales.de as Record<string, string>)[key]), key).toEqual(slots(english));
    }
  });

  it('fills slots and picks plural forms by count, with locale number formatting', () => {
    expect(translate('en', 'common.rows', { count: 1 })).toBe('1 row');
    expect(translate('en', 'common.rows', { count: 12000 })).toBe('12,000 rows');
    expect(translate('de', 'common.rows', { count: 12000 })).toBe('12.000 Zeilen');
  });

  it('picks the first supported language of the workstation, else English', () => {
    expect(pickLocale(['de-AT', 'en-US'])).toBe('de');
    expect(pickLocale(['fr-FR'])).toBe('en');
  });

  it('shows times in the site zone, named, whatever zone the workstation is in', () => {
    // 01:30 UTC on the night of the October 2026 DST change in London is 01:30 GMT (after the change).
    expect(formatDateTime('2026-10-25T01:30:00Z', 'en', 'Europe/London')).toMatch(/1:30 AM GMT$/);
    expect(formatDateTime('2026-10-25T00:30:00Z', 'en', 'Europe/London')).toMatch(/1:30.*GMT\+1/);
  });

  it('has German for every string of the sign-in, unlock and frame catalogue, with the same slots', () => {
    const auth = featureCatalogs.find((catalog) => catalog.feature === 'auth')!;
    expect(Object.keys(auth.de).sort()).toEqual(Object.keys(auth.en).sort());
    const same = new Set<string>(auth.sameInBoth ?? []);
    expect(Object.keys(auth.en).filter((key) => !same.has(key) && auth.de[key] === auth.en[key])).toEqual([]);
    const slots = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, english] of Object.entries(auth.en)) expect(slots(auth.de[key]), key).toEqual(slots(english));
  });
});

describe('zone names in German', () => {
  it("names a US site's zone as its clocks do (CST), where German has no short name of its own, and keeps German's own (MEZ)", () => {
    expect(formatTime('2026-11-27T08:00:00Z', 'de', 'America/Chicago')).toBe('02:00 CST');
    expect(formatDateTime('2026-11-27T08:00:00Z', 'de', 'Europe/Berlin')).toMatch(/MEZ$/);
    expect(formatTime('2026-11-27T08:00:00Z', 'de', 'Asia/Kolkata')).toBe('13:30 GMT+5:30');
    expect(formatTime('2026-11-27T08:00:00Z', 'en', 'America/Chicago')).toBe('2:00 AM CST');
  });
});
