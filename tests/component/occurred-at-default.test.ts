import { describe, expect, it } from 'vitest';
import { defaultOccurredAt } from '../../renderer/src/features/shift-logs/hooks/zoned-time';

// A night shift in London: 19:00 BST on 24 October to 07:00 GMT on 25 October (the clocks go back at 02:00 BST).
const night = { starts_at: '2026-10-24T18:00:00.000Z', ends_at: '2026-10-25T07:00:00.000Z' };

describe("a new entry's occurred-at default", () => {
  it('is now, in site time, while the shift runs', () => {
    expect(defaultOccurredAt(new Date('2026-10-24T23:15:30.000Z'), night, 'Europe/London')).toBe('2026-10-25T00:15');
  });

  it("is the end of a shift that is over, and the start of one still to come, in the site's zone", () => {
    expect(defaultOccurredAt(new Date('2026-11-02T12:00:00.000Z'), night, 'Europe/London')).toBe('2026-10-25T07:00');
    expect(defaultOccurredAt(new Date('2026-10-01T12:00:00.000Z'), night, 'Europe/London')).toBe('2026-10-24T19:00');
    expect(defaultOccurredAt(new Date('2026-10-01T12:00:00.000Z'), night, 'America/Chicago')).toBe('2026-10-24T13:00');
  });

  it('rounds a start with seconds up to the next minute, never before the shift', () => {
    expect(defaultOccurredAt(new Date('2026-10-01T12:00:00.000Z'), { ...night, starts_at: '2026-10-24T18:00:30.000Z' }, 'Europe/London')).toBe('2026-10-24T19:01');
  });
});
