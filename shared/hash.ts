import { canonicalJson } from './canonical-json';

/**
 * SHA-256 through WebCrypto (globalThis.crypto.subtle), which Node 20+, Electron's renderer
 * and workers all provide, so shared/ needs no node:crypto.
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return bytesToHex(new Uint8Array(digest));
}

/** The hash every signed or chained document uses: SHA-256 of its RFC 8785 form. */
export function canonicalSha256(value: unknown): Promise<string> {
  return sha256Hex(canonicalJson(value));
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
