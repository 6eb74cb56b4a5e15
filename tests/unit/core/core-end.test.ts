import { describe, expect, it } from 'vitest';
import { describeCoreError, formatCoreEnd } from '../../../main/core/host/core-end';

describe('describeCoreError', () => {
  it('keeps the frames of a stack and none of a message that runs over lines, even one that looks like a frame', () => {
    const error = new Error('failed to apply row\n    at row 7: "valve V-12 leaking, badge 4471"') as Error & { code?: string };
    error.code = 'SQLITE_CONSTRAINT';
    const end = describeCoreError(error);
    expect(end).toMatchObject({ kind: 'error', name: 'Error', code: 'SQLITE_CONSTRAINT' });
    expect(end.kind === 'error' && end.frames.length).toBeGreaterThan(0);
    expect(end.kind === 'error' && end.frames.every((frame) => frame.startsWith('at '))).toBe(true);
    expect(JSON.stringify(end) + formatCoreEnd(end)).not.toMatch(/valve|badge|4471|failed to apply/);
  });

  it('keeps no frames when the stack does not open with the error itself', () => {
    const error = new Error('a message');
    error.stack = 'something else entirely\n    at secret (place:1:2)';
    const end = describeCoreError(error);
    expect(end.kind === 'error' && end.frames).toEqual([]);
  });

  it('refuses a name or code that is not an identifier, and describes what is not an Error', () => {
    const error = new Error('x') as Error & { code?: string };
    error.name = 'Error with data 4471';
    error.code = 'code with spaces';
    expect(describeCoreError(error)).toMatchObject({ name: 'unnamed', code: 'unnamed' });
    expect(describeCoreError('just a string')).toEqual({ kind: 'error', name: 'string', code: null, frames: [] });
  });
});
