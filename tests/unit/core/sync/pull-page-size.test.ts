import { describe, expect, it } from 'vitest';
import { nextPullLimit } from '../../../../main/core/sync/pull-page-size';

const sizing = { max: 2_000, min: 100, targetMs: 150 };

describe('pull page size follows how long the last page took to write', () => {
  it('keeps the size while a page takes between half the target and the target', () => {
    expect(nextPullLimit(2_000, 120, sizing)).toBe(2_000);
    expect(nextPullLimit(800, 75, sizing)).toBe(800);
  });

  it('shrinks a page that held the store past the target to what fits in it', () => {
    // 2,000 amendments in 1,100 ms: about 272 fit in 150 ms.
    expect(nextPullLimit(2_000, 1_100, sizing)).toBe(272);
  });

  it('never asks for fewer than the floor, however slow the write', () => {
    expect(nextPullLimit(300, 60_000, sizing)).toBe(100);
  });

  it('grows back by doubling once writes are quick, up to the configured size', () => {
    expect(nextPullLimit(272, 20, sizing)).toBe(544);
    expect(nextPullLimit(1_500, 20, sizing)).toBe(2_000);
  });

  it('never asks for more than a configured size below the floor', () => {
    expect(nextPullLimit(5, 1, { ...sizing, max: 5 })).toBe(5);
    expect(nextPullLimit(5, 10_000, { ...sizing, max: 5 })).toBe(5);
  });
});
