import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, Utf8Chunks } from '../../../../../main/core/exports/engine/utf8-chunks';

/**
 * The engine's output buffer: pieces of text in, the same bytes as Buffer.from(all the text)
 * out, whatever the mix of short and long pieces, multi-byte characters at buffer edges, and
 * buffers handed back for reuse as soon as the consumer is done with them.
 */
/** Characters of every UTF-8 length (1 to 4 bytes), at the edges of each. */
const edgeCharacter = fc.constantFrom('\u0000', 'a', '\u007f', '\u0080', 'é', '\u07ff', '\u0800', '€', '\uffff', '\u{10000}', '😀', '\u{10ffff}');
const longMixed = (n: number) => Array.from({ length: n }, (_, i) => ['é', '€', '😀', 'a'][i % 4]).join('');
// Well-formed text only: a lone surrogate becomes U+FFFD either way, but two pieces that end and
// start with the halves of a pair are not something an encoder writes.
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: edgeCharacter, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: CHUNK_BYTES }).map(longMixed) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * CHUNK_BYTES }).map((n) => 'x'.repeat(n)) },
);

/** Runs the pieces through, taking every few pieces; taken chunks are copied, then recycled. */
function roundTrip(pieces: string[], takeEvery: number): Buffer {
  const chunks = new Utf8Chunks();
  const out: Buffer[] = [];
  let handedOn: Buffer[] = [];
  pieces.forEach((text, i) => {
    chunks.text(text);
    if (chunks.hasFullChunk || i % takeEvery === 0) {
      // Copies first: a recycled buffer is written again, so the bytes must be read before.
      const taken = chunks.take();
      for (const chunk of taken) out.push(Buffer.from(chunk));
      for (const chunk of handedOn) chunks.recycle(chunk);
      handedOn = taken;
    }
  });
  for (const chunk of chunks.take()) out.push(Buffer.from(chunk));
  return Buffer.concat(out);
}

describe('Utf8Chunks', () => {
  it('writes exactly the UTF-8 of the text given, across buffer edges and reuse', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (pieces, takeEvery) => {
        expect(roundTrip(pieces, takeEvery).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('hands on buffers of at most CHUNK_BYTES unless one piece is larger', () => {
    const chunks = new Utf8Chunks();
    for (let i = 0; i < 50_000; i++) chunks.ascii(`<row r="${i}"><c><v>${i}</v></c></row>`);
    const taken = chunks.take();
    expect(taken.length).toBeGreaterThan(2);
    for (const chunk of taken) expect(chunk.length).toBeLessThanOrEqual(CHUNK_BYTES);
  });

  it('reuses a recycled buffer, and never one it did not allocate', () => {
    const chunks = new Utf8Chunks();
    chunks.ascii('a'.repeat(CHUNK_BYTES));
    const [first] = chunks.take();
    chunks.recycle(first);
    chunks.recycle(Buffer.alloc(CHUNK_BYTES)); // not its own: ignored
    chunks.ascii('b'.repeat(CHUNK_BYTES));
    chunks.ascii('c');
    const [second, third] = chunks.take();
    expect(second.toString()).toBe('b'.repeat(CHUNK_BYTES));
    expect(third.toString()).toBe('c');
    expect([second.buffer, third.buffer]).toContain(first.buffer);
  });
});
