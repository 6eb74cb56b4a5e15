/**
 * The few BSON types a sync line needs, encoded as the service's `bson` package does for plain
 * JavaScript values: integers that fit in int32 as int32, other numbers as doubles.
 */
type BsonValue = string | number | boolean | null | undefined | BsonValue[] | { [key: string]: BsonValue };

class Writer {
  buffer = Buffer.allocUnsafe(64 * 1024);
  length = 0;

  reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  int32(value: number): void {
    this.reserve(4);
    this.buffer.writeInt32LE(value, this.length);
    this.length += 4;
  }

  double(value: number): void {
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  cstring(value: string): void {
    const bytes = Buffer.byteLength(value);
    this.reserve(bytes + 1);
    this.buffer.write(value, this.length, 'utf8');
    this.length += bytes;
    this.buffer[this.length++] = 0;
  }

  string(value: string): void {
    const bytes = Buffer.byteLength(value);
    this.int32(bytes + 1);
    this.cstring(value);
  }
}

function writeDocument(writer: Writer, entries: [string, BsonValue][]): void {
  const start = writer.length;
  writer.int32(0);
  for (const [key, value] of entries) {
    if (value === undefined) continue;
    writeElement(writer, key, value);
  }
  writer.byte(0);
  writer.buffer.writeInt32LE(writer.length - start, start);
}

function writeElement(writer: Writer, key: string, value: Exclude<BsonValue, undefined>): void {
  if (typeof value === 'string') {
    writer.byte(0x02);
    writer.cstring(key);
    writer.string(value);
  } else if (typeof value === 'number') {
    const isInt32 = Number.isInteger(value) && value >= -0x8000_0000 && value <= 0x7fff_ffff;
    writer.byte(isInt32 ? 0x10 : 0x01);
    writer.cstring(key);
    if (isInt32) writer.int32(value);
    else writer.double(value);
  } else if (typeof value === 'boolean') {
    writer.byte(0x08);
    writer.cstring(key);
    writer.byte(value ? 1 : 0);
  } else if (value === null) {
    writer.byte(0x0a);
    writer.cstring(key);
  } else if (Array.isArray(value)) {
    writer.byte(0x04);
    writer.cstring(key);
    writeDocument(writer, value.map((item, index) => [String(index), item]));
  } else {
    writer.byte(0x03);
    writer.cstring(key);
    writeDocument(writer, Object.entries(value));
  }
}

export function encodeBson(document: { [key: string]: BsonValue }): Buffer {
  const writer = new Writer();
  writeDocument(writer, Object.entries(document));
  return Buffer.from(writer.buffer.subarray(0, writer.length));
}

export type { BsonValue };
