import { describe, expect, it, vi } from 'vitest';
import { calls, channels } from '../../../shared/contract';
import { dispatchCall } from '../../../shared/dispatch';
import { PlantdeskError } from '../../../shared/errors';

const validAppInfo = {
  name: 'Plantdesk',
  version: '1.2.3',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: '20.0.0',
  electronVersion: null,
  coreHost: 'inline',
};

describe('the contract table', () => {
  it('names every channel as domain.method with one dot', () => {
    for (const channel of channels) expect(channel).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/);
  });

  it('gives every call a request schema, a response schema, a permission entry and a summary', () => {
    for (const channel of channels) {
      const spec = calls[channel];
      expect(typeof spec.request.safeParse).toBe('function');
      expect(typeof spec.response.safeParse).toBe('function');
      expect(spec).toHaveProperty('permission');
      expect(spec.summary.length).toBeGreaterThan(10);
    }
  });
});

describe('dispatchCall', () => {
  it('refuses a channel the contract does not name, without calling the handler', async () => {
    const handler = vi.fn();
    const result = await dispatchCall('app.deleteEverything', {}, handler);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'unknown_channel' }) });
    expect(handler).not.toHaveBeenCalled();
  });

  it.each([
    ['an extra field', { extra: 1 }],
    ['a string', 'hello'],
    ['null', null],
    ['an array', []],
  ])('refuses a payload with %s as invalid_request, without calling the handler', async (_label, payload) => {
    const handler = vi.fn();
    const result = await dispatchCall('app.info', payload, handler);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_request');
    expect(handler).not.toHaveBeenCalled();
  });

  it.each([
    ['shiftLogs.list', { sort: { by: 'id', dir: 'asc' } }],
    ['shiftLogs.list', { sort: { by: 'date', dir: 'sideways' } }],
    ['shiftLogs.entries', { sort: { by: 'body', dir: 'desc' } }],
    ['shiftLogs.entries', { sort: { by: 'area', dir: 'asc' } }],
  ])('refuses %s sorted by a column it does not offer (%j) as invalid_request', async (channel, payload) => {
    const handler = vi.fn();
    const result = await dispatchCall(channel, payload, handler);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_request' }) });
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes a sort the list offers to the handler, parsed', async () => {
    const handler = vi.fn().mockResolvedValue({ items: [], next: null });
    const result = await dispatchCall('shiftLogs.entries', { sort: { by: 'severity', dir: 'desc' } }, handler);
    expect(result.ok).toBe(true);
    expect(handler).toHaveBeenCalledWith('shiftLogs.entries', { filter: {}, sort: { by: 'severity', dir: 'desc' } });
  });

  it('does not echo the rejected values back in the error details', async () => {
    const result = await dispatchCall('app.info', { password: 'correct horse battery staple' }, vi.fn());
    expect(JSON.stringify(result)).not.toContain('correct horse');
  });

  it('passes the parsed request to the handler and returns the checked answer', async () => {
    const handler = vi.fn().mockResolvedValue(validAppInfo);
    const result = await dispatchCall('app.info', {}, handler);
    expect(handler).toHaveBeenCalledWith('app.info', {});
    expect(result).toEqual({ ok: true, value: validAppInfo });
  });

  it('returns a PlantdeskError thrown by the handler as its typed body', async () => {
    const result = await dispatchCall('app.info', {}, async () => {
      throw new PlantdeskError('forbidden');
    });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/role/) } });
  });

  it('hides the message of an unexpected error behind internal', async () => {
    const result = await dispatchCall('app.info', {}, async () => {
      throw new Error('SQLITE_CORRUPT at /home/ana/secret/path');
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('internal');
      expect(result.error.message).not.toContain('/home/ana');
    }
  });

  it('refuses an answer that does not match the response schema', async () => {
    const result = await dispatchCall('app.info', {}, async () => ({ ...validAppInfo, coreHost: 'somewhere' }));
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid_response' }) });
  });
});

describe('users.list sort', () => {
  it.each([
    ['a column the list does not sort by', { column: 'password_hash', dir: 'asc' }],
    ['a direction that is neither asc nor desc', { column: 'name', dir: 'sideways' }],
    ['SQL in place of a column', { column: 'email; DROP TABLE user', dir: 'asc' }],
    ['an extra member', { column: 'name', dir: 'asc', nulls: 'last' }],
  ])('refuses %s as invalid_request, without calling the handler', async (_label, sort) => {
    const handler = vi.fn();
    const result = await dispatchCall('users.list', { sort }, handler);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('invalid_request');
    expect(handler).not.toHaveBeenCalled();
  });

  it('passes a known column and direction through to the handler', async () => {
    const handler = vi.fn().mockResolvedValue({ items: [], next: null });
    const result = await dispatchCall('users.list', { sort: { column: 'status', dir: 'desc' } }, handler);
    expect(result.ok).toBe(true);
    expect(handler).toHaveBeenCalledWith('users.list', expect.objectContaining({ sort: { column: 'status', dir: 'desc' } }));
  });
});
