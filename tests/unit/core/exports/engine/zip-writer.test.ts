import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipWriter, type ByteSink } from '../../../../../main/core/exports/engine/zip-writer';

/**
 * The ZIP container under the XLSX writer, checked by Python's zipfile (another independent
 * implementation: it verifies every entry's CRC-32 and reads ZIP64 records). The machine image
 * ships python3; where it is missing these checks are skipped with a warning.
 */
const python = (() => {
  try {
    execFileSync('python3', ['-c', 'import zipfile'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('skipped: no python3 to read the ZIP files back');
    return false;
  }
})();

/** Lists name, size and SHA-256 of every entry, after testzip() found no bad CRC. */
const READ_ZIP = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    entries = [[i.filename, i.file_size, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]
print(json.dumps({"bad": bad, "entries": entries}))
`;

function readWithPython(path: string): { bad: string | null; entries: Array<[string, number, string]> } {
  return JSON.parse(execFileSync('python3', ['-c', READ_ZIP, path], { encoding: 'utf8' })) as ReturnType<typeof readWithPython>;
}

const sha256 = async (data: Uint8Array) => Buffer.from(await crypto.subtle.digest('SHA-256', data)).toString('hex');

class MemorySink implements ByteSink {
  readonly chunks: Uint8Array[] = [];
  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk);
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plantdesk-zip-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeArchive(forceZip64: boolean): Promise<{ path: string; expected: Array<[string, number, string]> }> {
  const sink = new MemorySink();
  const zip = new ZipWriter(sink, { level: 6, forceZip64 });
  const small = 'a small part, whole';
  // Incompressible data, in many pieces, so deflate pushes back on the writer.
  const pieces = Array.from({ length: 64 }, () => randomBytes(64 * 1024));
  await zip.addFile('[Content_Types].xml', small);
  const stream = await zip.openStream('xl/worksheets/sheet1.xml');
  for (const piece of pieces) {
    const pending = stream.write(piece);
    if (pending) await pending;
  }
  await stream.close();
  await zip.addFile('empty.txt', '');
  await zip.finish();
  expect(zip.bytesWritten).toBe(sink.bytes().length);
  const path = join(dir, `archive-${forceZip64 ? 'zip64' : 'plain'}.zip`);
  writeFileSync(path, sink.bytes());
  const streamed = Buffer.concat(pieces);
  return {
    path,
    expected: [
      ['[Content_Types].xml', small.length, await sha256(Buffer.from(small))],
      ['xl/worksheets/sheet1.xml', streamed.length, await sha256(streamed)],
      ['empty.txt', 0, await sha256(new Uint8Array())],
    ],
  };
}

describe.skipIf(!python)('ZipWriter read back by Python zipfile', () => {
  it('writes whole and streamed entries with correct CRCs and sizes', async () => {
    const { path, expected } = await writeArchive(false);
    expect(readWithPython(path)).toEqual({ bad: null, entries: expected });
  });

  it('writes ZIP64 records (used past 4 GiB) that a reader accepts', async () => {
    const { path, expected } = await writeArchive(true);
    expect(readWithPython(path)).toEqual({ bad: null, entries: expected });
  });
});

describe('ZipWriter when its sink fails', () => {
  it('rejects the streamed entry instead of waiting for a drain that never comes', async () => {
    let writes = 0;
    const failing: ByteSink = {
      async write() {
        writes += 1;
        if (writes > 3) throw new Error('disk gone');
      },
    };
    const zip = new ZipWriter(failing, { level: 1 });
    const stream = await zip.openStream('sheet.xml');
    const outcome = (async () => {
      for (let i = 0; i < 10_000; i++) {
        const pending = stream.write(randomBytes(64 * 1024));
        if (pending) await pending;
      }
      await stream.close();
    })();
    await expect(outcome).rejects.toThrow('disk gone');
    stream.destroy();
  });
});

describe.skipIf(!python)('ZipWriter with buffers reused once zlib has read them', () => {
  it('keeps a streamed entry intact when each buffer is overwritten as soon as write() reports it consumed', async () => {
    const sink = new MemorySink();
    const zip = new ZipWriter(sink, { level: 1 });
    const stream = await zip.openStream('xl/worksheets/sheet1.xml');
    // Three buffers for 200 pieces (text-like, so zlib is fast, and random, so it pushes back).
    const free: Buffer[] = Array.from({ length: 3 }, () => Buffer.alloc(256 * 1024));
    let released: (() => void) | null = null;
    const expected: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      while (free.length === 0) await new Promise<void>((resolve) => (released = resolve));
      const buffer = free.pop() as Buffer;
      const piece = i % 3 === 0 ? randomBytes(buffer.length) : Buffer.from(`<row r="${i}"><c><v>${i}</v></c></row>`.repeat(7000)).subarray(0, buffer.length);
      piece.copy(buffer);
      expected.push(Buffer.from(buffer));
      const pending = stream.write(buffer, () => {
        buffer.fill(0x58); // anything zlib still read from here would be wrong in the archive
        free.push(buffer);
        released?.();
      });
      await (pending ?? new Promise(setImmediate));
    }
    await stream.close();
    await zip.finish();
    const path = join(dir, 'reused-buffers.zip');
    writeFileSync(path, sink.bytes());
    const streamed = Buffer.concat(expected);
    expect(readWithPython(path)).toEqual({ bad: null, entries: [['xl/worksheets/sheet1.xml', streamed.length, await sha256(streamed)]] });
  });
});
