/**
 * Turns what a person typed into an FTS5 query that cannot be a syntax error or an operator:
 * every word becomes a quoted phrase (AND-ed), the last one a prefix when the text does not end
 * in a space ("pump P-10" finds "P-101A"). Null when nothing searchable is left.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .slice(0, 200)
    .split(/\s+/u)
    .filter((word) => /[\p{L}\p{N}]/u.test(word))
    .slice(0, 12);
  if (words.length === 0) return null;
  // A one-letter prefix would expand to most of the vocabulary; it waits for the next key.
  const prefixLast = !/\s$/u.test(text) && [...words[words.length - 1]].length >= 2;
  return words
    .map((word, index) => {
      const phrase = `"${word.replaceAll('"', '""')}"`;
      return prefixLast && index === words.length - 1 ? `${phrase}*` : phrase;
    })
    .join(' ');
}
