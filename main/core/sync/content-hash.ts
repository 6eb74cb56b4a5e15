import { shiftLogContentHash } from '../../../shared/signed-content';
import type { ShiftLogDetail } from '../store/queries/shift-logs';

/**
 * The hash a signature covers, from the log as this workstation holds it (shared/signed-content.ts
 * defines the document; the server rebuilds it from its own rows). A later amendment changes
 * the hash, so an old signature stays valid for the old content only (DOMAIN.md).
 */
export function cachedShiftLogContentHash(detail: ShiftLogDetail): Promise<string> {
  return shiftLogContentHash(detail.shiftLog, detail.entries);
}
