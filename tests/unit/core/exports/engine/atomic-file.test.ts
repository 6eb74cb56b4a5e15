import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicFile } from '../../../../../main/core/exports/engine/atomic-file';

/**
 * The temp file queues several writes: a chunk's `written` callback says its buffer may be
 * filled again, so the file must hold each chunk as it was when written, in order, and the
 * SHA-256 must be that of the file, even when every buffer is overwritten at once.
 */
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-atomic-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('AtomicFile with queued writes', () => {
  it('writes every chunk as it was handed over, in order, with buffers reused on `written`', async () => {
    const target = join(dir, 'out.bin');
    const file = await AtomicFile.create(target, undefined, 1024 * 1024);
    const free: Buffer[] = Array.from({ length: 3 }, () => Buffer.alloc(64 * 1024 + 17));
    let released: (() => void) | null = null;
    const expected: Uint8Array[] = [];
    for (let i = 0; i < 300; i++) {
      while (free.length === 0) await new Promise<void>((resolve) => (released = resolve));
      const buffer = free.pop() as Buffer;
      buffer.fill(i & 0xff);
      buffer.writeUInt32BE(i, 0);
      const chunk = buffer.subarray(0, buffer.length - (i % 5));
      expected.push(Buffer.from(chunk));
      await file.write(chunk, () => {
        buffer.fill(0xee); // a write still reading this buffer would put 0xee in the file
        free.push(buffer);
        released?.();
      });
    }
    const committed = await file.commit();
    const content = readFileSync(target);
    expect(content.equals(Buffer.concat(expected))).toBe(true);
    expect(committed.bytes).toBe(content.length);
    expect(committed.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    expect(readdirSync(dir)).toEqual(['out.bin']);
  });
});
