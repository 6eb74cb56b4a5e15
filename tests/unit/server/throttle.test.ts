import { describe, expect, it } from 'vitest';
import { defaultThrottlePolicy, delaySeconds, throttleKeys } from '../../../server/auth/throttle';

describe('sign-in throttling delays', () => {
  it('lets the first few failures through, then doubles the wait each time, up to a ceiling', () => {
    const { accountFreeFailures: free, maxDelaySeconds: max } = defaultThrottlePolicy;
    const delays = Array.from({ length: 16 }, (_, failures) => delaySeconds(failures, free, max));
    expect(delays.slice(0, free)).toEqual(Array(free).fill(0));
    expect(delays.slice(free, free + 5)).toEqual([1, 2, 4, 8, 16]);
    for (let i = free + 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]);
    expect(delaySeconds(1000, free, max)).toBe(max);
  });

  it('keys counters by hashes, never by the raw IP or email', () => {
    const keys = throttleKeys('203.0.113.7', 'admin@northfield.example');
    expect(keys.ip).toMatch(/^ip:[0-9a-f]{64}$/);
    expect(keys.account).toMatch(/^account:[0-9a-f]{64}$/);
    expect(JSON.stringify(keys)).not.toContain('203.0.113.7');
    expect(JSON.stringify(keys)).not.toContain('northfield');
  });
});
