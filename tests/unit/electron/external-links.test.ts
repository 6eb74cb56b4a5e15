import { describe, expect, it, vi } from 'vitest';
import { isAllowedExternalUrl, openExternalSafely } from '../../../main/electron/external-links';

const allowList = ['docs.plantdesk.example'];

describe('external links', () => {
  it('allows an https URL on an allow-listed host', () => {
    expect(isAllowedExternalUrl('https://docs.plantdesk.example/guide/sync', allowList)).toBe(true);
  });

  it.each([
    ['plain http', 'http://docs.plantdesk.example/'],
    ['a host not on the list', 'https://evil.example/'],
    ['a sub-domain of an allowed host', 'https://a.docs.plantdesk.example/'],
    ['a suffix trick', 'https://docs.plantdesk.example.evil.example/'],
    ['credentials', 'https://user@docs.plantdesk.example/'],
    ['a custom port', 'https://docs.plantdesk.example:8443/'],
    ['file://', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic'],
    ['garbage', '::::'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url, allowList)).toBe(false);
  });

  it('opens only allowed URLs through the single opener', async () => {
    const open = vi.fn().mockResolvedValue(undefined);
    expect(await openExternalSafely(open, 'http://docs.plantdesk.example/', allowList)).toBe(false);
    expect(await openExternalSafely(open, 'https://evil.example/', allowList)).toBe(false);
    expect(open).not.toHaveBeenCalled();
    expect(await openExternalSafely(open, 'https://docs.plantdesk.example/a', allowList)).toBe(true);
    expect(open).toHaveBeenCalledWith('https://docs.plantdesk.example/a');
  });
});
