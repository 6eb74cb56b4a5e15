import { decodeCursor } from '../store/rows';
import { apiError } from '../errors';

/**
 * Pieces every keyset-paged admin list shares (API.md `?after=CURSOR&limit=N`): the
 * (created_at, id) cursor, refused with a typed error when it is not one of ours, and a WHERE
 * builder that numbers its `?` placeholders as PostgreSQL's `$n` parameters.
 */
export function timeIdCursor(after: string | undefined): (string | number)[] | null {
  if (after === undefined) return null;
  const cursor = decodeCursor(after, ['string', 'string']);
  if (!cursor) throw apiError('invalid_request', { issues: [{ path: 'after', message: 'not a cursor from this list' }] });
  return cursor;
}

export function whereBuilder(first: string, firstValue: unknown) {
  const conditions = [first];
  const params: unknown[] = [firstValue];
  /** Adds a condition; each `?` in `sql` takes the next value. */
  const add = (sql: string, ...values: unknown[]) => {
    let text = sql;
    for (const value of values) {
      params.push(value);
      text = text.replace('?', `$${params.length}`);
    }
    conditions.push(text);
  };
  return { conditions, params, add };
}
