import { canonicalJson } from '../../shared/canonical-json';
import { PERSONAL_FIELD_MASK, type FieldDiff } from '../../shared/domain/audit';

/**
 * before/after of only the fields that changed. Fields named in `personal` are recorded as a
 * mask: the trail proves that they changed and when, while erasure never has to touch it.
 * Secrets (password hash, TOTP secret) are never passed in at all.
 */
export function fieldDiff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  options: { personal?: readonly string[] } = {},
): FieldDiff {
  const personal = new Set(options.personal ?? []);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const diff: FieldDiff = {};
  for (const key of [...keys].sort()) {
    const previous = before?.[key] ?? null;
    const next = after?.[key] ?? null;
    if (canonicalJson(previous) === canonicalJson(next)) continue;
    diff[key] = personal.has(key)
      ? { before: previous === null ? null : PERSONAL_FIELD_MASK, after: next === null ? null : PERSONAL_FIELD_MASK }
      : { before: previous, after: next };
  }
  return diff;
}
