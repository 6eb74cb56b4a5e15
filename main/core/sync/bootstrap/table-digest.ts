import { createHash } from 'node:crypto';

/** A table's checksum (shared/bootstrap-protocol.ts): sha256 of its frames' digests joined by '\n'. */
export function tableDigest(frameDigests: readonly string[]): string {
  return createHash('sha256').update(frameDigests.join('\n')).digest('hex');
}
