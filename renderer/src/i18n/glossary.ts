/**
 * The words Plantdesk uses for its own things, in each language, so every screen, file and
 * sheet says the same: a German admin reads "Schichtbuch" on every screen, never "Protokoll"
 * on one and "Schichtbuch" on the next. tests/component/glossary.test.ts holds every catalogue to it:
 * where the English says `en`, the German says `de`, and no German text uses an `avoid` word.
 */
export interface GlossaryTerm {
  /** The English term, as a pattern over English messages. */
  en: RegExp;
  /** What the German says wherever the English uses the term (any inflection). */
  de: RegExp;
  /** The German term in its base form, for people writing new messages. */
  deTerm: string;
  /** Other German words for the same thing, never to be used. */
  avoid: RegExp | null;
}

export const glossary: readonly GlossaryTerm[] = [
  { en: /\bshift logs?\b/i, de: /schichtb(u|ü)ch/i, deTerm: 'Schichtbuch', avoid: /schichtprotokoll/i },
  { en: /\baudit trail\b/i, de: /prüfpfad/i, deTerm: 'Prüfpfad', avoid: /prüfprotokoll|audit-protokoll|audit-trail/i },
  { en: /\bhandovers?\b/i, de: /übergabe/i, deTerm: 'Übergabe', avoid: null },
  { en: /\bapprov(e|ed|es|al|ing)\b/i, de: /freig|\bfrei\b/i, deTerm: 'freigeben (gibt … frei)', avoid: /genehmig/i },
  { en: /\bsignatures?\b|\bsign-offs?\b|\bsign(ed|s|ing)? (it |this |the log |the shift log )?off\b/i, de: /unterschr/i, deTerm: 'Unterschrift, unterschreiben', avoid: /abzeichn|abgezeichnet|signier/i },
  { en: /\bamendments?\b/i, de: /nachtr(a|ä)g/i, deTerm: 'Nachtrag', avoid: null },
  { en: /\bworkstations?\b/i, de: /arbeitsplatz|arbeitsplätze/i, deTerm: 'Arbeitsplatz', avoid: null },
  { en: /\benrol(l)?ment link\b/i, de: /einrichtungslink/i, deTerm: 'Einrichtungslink', avoid: null },
];
