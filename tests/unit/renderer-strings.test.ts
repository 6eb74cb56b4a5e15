import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Every string a person reads goes through the i18n layer: no words as JSX text and
 * no literal labels (aria-label, title, placeholder, alt) in the renderer's components. Read
 * with TypeScript's own parser, so formatting cannot hide one.
 */
const rendererDir = path.resolve(import.meta.dirname, '../../renderer/src');
const labelAttributes = new Set(['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription']);
// Text that is not language: symbols, numbers, punctuation, and the product's name.
const brandNames = /\bPlantdesk\b/g;
const hasWords = (text: string) => /\p{L}{2,}/u.test(text.replace(brandNames, ''));

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return tsxFiles(full);
    return full.endsWith('.tsx') ? [full] : [];
  });
}

export function untranslatedLiterals(file: string, source: string): string[] {
  const found: string[] = [];
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const where = (node: ts.Node) => `${path.relative(rendererDir, file)}:${sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && hasWords(node.text)) found.push(`${where(node)} text "${node.text.trim()}"`);
    if (ts.isJsxAttribute(node) && labelAttributes.has(node.name.getText())) {
      const value = node.initializer;
      const literal = value && (ts.isStringLiteral(value) ? value : ts.isJsxExpression(value) && value.expression && ts.isStringLiteralLike(value.expression) ? value.expression : null);
      if (literal && hasWords(literal.text)) found.push(`${where(node)} ${node.name.getText()}="${literal.text}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe('renderer strings', () => {
  it('the checker finds words in JSX text and literal labels, and ignores symbols', () => {
    const sample = `export const A = () => <div><button aria-label="Close">×</button><p>Shift logs</p><span title={'Lock now'}>{t('x')}</span><i>→ 42</i></div>;`;
    expect(untranslatedLiterals(path.join(rendererDir, 'sample.tsx'), sample)).toEqual([
      'sample.tsx:1 aria-label="Close"',
      'sample.tsx:1 text "Shift logs"',
      'sample.tsx:1 title="Lock now"',
    ]);
  });

  it('no component shows a word that did not go through the i18n layer', () => {
    const found = tsxFiles(rendererDir).flatMap((file) => untranslatedLiterals(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });
});
