/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): one byte sequence per JSON value, so a hash or
 * signature computed in the server, the desktop core and the renderer agree.
 *
 * - object members sorted by their names as UTF-16 code units (what Array#sort does by default);
 * - numbers in the ECMAScript shortest round-trip form (Number#toString), -0 as 0;
 * - strings escaped as JSON.stringify does (lowercase \u00xx for controls, nothing else escaped);
 * - input must be I-JSON: no NaN/Infinity, no lone surrogates (they would not survive storage).
 *
 * Values with toJSON (Date) are serialised through it, like JSON.stringify; object members whose
 * value is undefined are omitted. Anything else outside JSON (functions, bigint, symbols,
 * undefined in arrays) is an error rather than a silent change of meaning.
 */
export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export function canonicalJson(value: unknown): string {
  return serialize(value, '$');
}

function serialize(value: unknown, path: string): string {
  if (value === null) return 'null';
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON: () => unknown }).toJSON(), path);
  }
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalJsonError(`${path}: ${value} is not a JSON number`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return serializeString(value, path);
    case 'object':
      return Array.isArray(value) ? serializeArray(value, path) : serializeObject(value as Record<string, unknown>, path);
    default:
      throw new CanonicalJsonError(`${path}: a ${typeof value} has no JSON form`);
  }
}

function serializeString(value: string, path: string): string {
  if (!isWellFormed(value)) throw new CanonicalJsonError(`${path}: string holds a lone surrogate`);
  return JSON.stringify(value);
}

function serializeArray(items: unknown[], path: string): string {
  const parts = items.map((item, index) => {
    if (item === undefined) throw new CanonicalJsonError(`${path}[${index}]: undefined has no JSON form`);
    return serialize(item, `${path}[${index}]`);
  });
  return `[${parts.join(',')}]`;
}

function serializeObject(object: Record<string, unknown>, path: string): string {
  const keys = Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .sort();
  const parts = keys.map((key) => `${serializeString(key, path)}:${serialize(object[key], `${path}.${key}`)}`);
  return `{${parts.join(',')}}`;
}

/** String#isWellFormed without relying on the runtime having it (renderer targets vary). */
export function isWellFormed(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return false;
    }
  }
  return true;
}
