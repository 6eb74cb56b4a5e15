import type { z } from 'zod';
import { isStorableText } from '../../shared/domain/common';
import { apiError } from '../errors';

/** Summarises zod issues without echoing the values sent (they may be passwords). */
function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]) {
  return issues.slice(0, 10).map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

/** The one way a handler reads input: parsed by its zod schema, or a typed 400. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw apiError('invalid_request', { issues: describeIssues(parsed.error.issues) });
  return parsed.data;
}

/**
 * Text PostgreSQL cannot store (NUL), that would not survive a UTF-8 round trip (lone
 * surrogates) or that a store may drop or a reader not see (invisible format characters:
 * isStorableText) is refused at the door, whatever field it hides in, so it can never reach a
 * query or make a stored value differ from the one that was hashed.
 */
export function findUnstorableText(value: unknown, depth = 0): boolean {
  if (depth > 64) return true;
  if (typeof value === 'string') return !isStorableText(value);
  if (Array.isArray(value)) return value.some((item) => findUnstorableText(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => findUnstorableText(key, depth + 1) || findUnstorableText(item, depth + 1));
  }
  return false;
}
