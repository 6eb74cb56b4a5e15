import { describe, expect, it } from 'vitest';
import { isSignInPageUrl, openSignInPage } from '../../../main/electron/external-links';

describe('the single sign-on page the shell opens in the system browser', () => {
  it('is https, or http on this machine only, and never carries credentials', () => {
    expect(isSignInPageUrl('https://login.plant.example/authorize?client_id=x&state=y')).toBe(true);
    expect(isSignInPageUrl('http://127.0.0.1:8443/auth?x=1')).toBe(true);
    expect(isSignInPageUrl('http://login.plant.example/authorize')).toBe(false);
    expect(isSignInPageUrl('https://user:pass@login.plant.example/authorize')).toBe(false);
    expect(isSignInPageUrl('file:///etc/passwd')).toBe(false);
    expect(isSignInPageUrl('javascript:alert(1)')).toBe(false);
    expect(isSignInPageUrl('not a url')).toBe(false);
  });

  it('hands only such a page to openExternal', async () => {
    const opened: string[] = [];
    const open = async (url: string) => void opened.push(url);
    expect(await openSignInPage(open, 'smb://share/x')).toBe(false);
    expect(await openSignInPage(open, 'https://login.plant.example/authorize?a=1')).toBe(true);
    expect(opened).toEqual(['https://login.plant.example/authorize?a=1']);
  });
});
