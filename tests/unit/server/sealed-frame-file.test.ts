import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SealedFrameFile } from '../../../server/sync/bootstrap/sealed-frame-file';

/** A first sync's frames at rest: sealed, owner-only, each bound to its snapshot and number. */
describe('sealed frame file', () => {
  let dir: string;
  const key = randomBytes(32);
  const scratch = () => ({ buffer: Buffer.alloc(0) });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plantdesk-frames-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives back each frame as written, from an owner-only file that holds no plain text', async () => {
    const file = await SealedFrameFile.create(join(dir, 'a.frames'), 'snapshot-a', key);
    await file.append([Buffer.from('{"kind":"rows"}\n'), Buffer.from('[["Erin Example"]]')]);
    await file.append([Buffer.from('{"kind":"end"}\n')]);
    expect(file.frames).toBe(2);
    expect((await file.read(1, scratch())).toString()).toBe('{"kind":"rows"}\n[["Erin Example"]]');
    expect((await file.read(2, scratch())).toString()).toBe('{"kind":"end"}\n');
    expect(statSync(join(dir, 'a.frames')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'a.frames')).includes(Buffer.from('Erin'))).toBe(false);
    await file.remove();
  });

  it('refuses a frame that was altered on disk, and one read under another key or snapshot', async () => {
    const path = join(dir, 'b.frames');
    const file = await SealedFrameFile.create(path, 'snapshot-b', key);
    await file.append([Buffer.from('{"kind":"end"}\n')]);
    const bytes = readFileSync(path);
    bytes[20] ^= 1;
    writeFileSync(path, bytes);
    await expect(file.read(1, scratch())).rejects.toThrow();
    await file.remove();
    // The same bytes under another snapshot id (or key) do not open either.
    const original = await SealedFrameFile.create(join(dir, 'c.frames'), 'snapshot-c', key);
    await original.append([Buffer.from('{"kind":"end"}\n')]);
    const copy = await SealedFrameFile.create(join(dir, 'd.frames'), 'snapshot-d', randomBytes(32));
    await copy.append([Buffer.from('{"kind":"end"}\n')]);
    writeFileSync(join(dir, 'd.frames'), readFileSync(join(dir, 'c.frames')));
    await expect(copy.read(1, scratch())).rejects.toThrow();
    await original.remove();
    await copy.remove();
  });

  it('never writes over an existing file', async () => {
    writeFileSync(join(dir, 'e.frames'), 'someone else');
    await expect(SealedFrameFile.create(join(dir, 'e.frames'), 'snapshot-e', key)).rejects.toThrow();
  });
});
