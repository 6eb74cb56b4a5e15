import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppAsset } from '../../../main/electron/app-protocol';

const root = path.resolve('/opt/plantdesk/out/renderer');

describe('resolveAppAsset', () => {
  it('serves index.html for the bare origin and files inside the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://plantdesk/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://plantdesk/assets/index-abc.js')).toBe(path.join(root, 'assets/index-abc.js'));
  });

  it.each([
    ['a dot-dot path', 'app://plantdesk/../../etc/passwd'],
    ['an encoded traversal', 'app://plantdesk/..%2f..%2fetc%2fpasswd'],
    ['a double-encoded traversal', 'app://plantdesk/%2e%2e/%2e%2e/etc/passwd'],
    ['a NUL byte', 'app://plantdesk/index.html%00.js'],
    ['another host', 'app://other/index.html'],
    ['another scheme', 'file:///opt/plantdesk/out/renderer/index.html'],
    ['a malformed escape', 'app://plantdesk/%E0%A4%A'],
  ])('refuses %s', (_label, url) => {
    const resolved = resolveAppAsset(root, url);
    if (resolved !== null) expect(resolved.startsWith(root + path.sep)).toBe(true);
    else expect(resolved).toBeNull();
  });

  it('names content types so nosniff does not block scripts and styles', () => {
    expect(contentTypeFor('a/index.js')).toMatch(/^text\/javascript/);
    expect(contentTypeFor('a/index.css')).toMatch(/^text\/css/);
    expect(contentTypeFor('a/unknown.bin')).toBe('application/octet-stream');
  });
});
