import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from '../../../shared/uuid7';

describe('uuidv7', () => {
  it('is a valid version-7 RFC 9562 UUID carrying its millisecond time', () => {
    const id = uuidv7(Date.UTC(2026, 10, 23, 8, 0, 0));
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 23, 8, 0, 0));
  });

  it('sorts by creation time and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => uuidv7(1_700_000_000_000 + i));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
