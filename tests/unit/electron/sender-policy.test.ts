import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../../main/electron/sender-policy';

describe('isTrustedSender', () => {
  it('trusts the top frame of a page served from app://plantdesk', () => {
    expect(isTrustedSender({ url: 'app://plantdesk/index.html#/shift-logs', parent: null })).toBe(true);
  });

  it.each([
    ['another origin', 'https://evil.example/index.html'],
    ['file://', 'file:///opt/plantdesk/resources/app/out/renderer/index.html'],
    ['http on the app host', 'http://plantdesk/index.html'],
    ['a look-alike host', 'app://plantdesk.evil/index.html'],
    ['credentials in the URL', 'app://user:pw@plantdesk/index.html'],
    ['about:blank', 'about:blank'],
    ['an unparsable URL', 'not a url'],
  ])('refuses a top frame from %s', (_label, url) => {
    expect(isTrustedSender({ url, parent: null })).toBe(false);
  });

  it('refuses a subframe even when it is on the app origin', () => {
    expect(isTrustedSender({ url: 'app://plantdesk/index.html', parent: { url: 'app://plantdesk/index.html' } })).toBe(false);
  });

  it('refuses a call with no frame (destroyed or navigating)', () => {
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});
