import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expectedApiKeys } from '../../shared/api-shape';
import { channels } from '../../shared/contract';
import { BRIDGE_PATH } from '../support/bridge/server';
import { expect, repoRoot, screenshotDir, test } from './fixtures';

test('the production build opens on the sign-in screen with app.info from the core', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  await expect(page.getByRole('heading', { name: 'Plantdesk' })).toBeVisible();
  await expect(page.getByTestId('app-info')).toHaveText(/^Plantdesk 0\.1\.0-e2e · \w+\/\w+$/);
  await expect(page.getByTestId('app-info')).toHaveAttribute('data-core-host', 'inline');
  await expect(page.getByTestId('session-state')).toHaveText('Not signed in');
  for (const label of ['Server address', 'Email', 'Password', 'Authenticator code']) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await page.screenshot({ path: path.join(screenshotDir, 'start-screen.png'), fullPage: true });
});

test('window.plantdesk has exactly the contract keys and answers app.info', async ({ page, bridge }) => {
  await page.goto(bridge.url);
  const shape = await page.evaluate(() => {
    const api = window.plantdesk as unknown as Record<string, object>;
    return Object.fromEntries(Object.keys(api).map((key) => [key, typeof api[key] === 'function' ? 'function' : Object.keys(api[key])]));
  });
  const expected = expectedApiKeys(channels);
  expect(Object.keys(shape).sort()).toEqual([...Object.keys(expected), 'onEvent'].sort());
  for (const [domain, methods] of Object.entries(expected)) expect(shape[domain]).toEqual(methods);

  const result = await page.evaluate(() => window.plantdesk!.app.info());
  expect(result).toMatchObject({ ok: true, value: { name: 'Plantdesk', version: '0.1.0-e2e' } });
  const refused = await page.evaluate(() => (window.plantdesk!.app.info as (r: unknown) => Promise<unknown>)({ sudo: true }));
  expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
});

test('the app CSP blocks an injected inline script', async ({ page, bridge }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(bridge.url);
  await expect(page.getByTestId('app-info')).toBeVisible();
  const executed = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.append(script);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(executed).toBe(false);
  await expect.poll(() => violations.length).toBeGreaterThan(0);
});

test('the bridge refuses calls without its token', async ({ request, bridge }) => {
  const response = await request.post(`${bridge.url}${BRIDGE_PATH}/call/app.info`, { data: {} });
  expect(response.status()).toBe(401);
  const withToken = await request.post(`${bridge.url}${BRIDGE_PATH}/call/app.info`, {
    data: {},
    headers: { 'x-plantdesk-bridge-token': bridge.token },
  });
  expect(await withToken.json()).toMatchObject({ ok: true });
});

test('no production build output contains the test bridge', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(full);
    }
  };
  walk(path.join(repoRoot, 'out'));
  expect(files.length).toBeGreaterThan(3);
  for (const file of files) expect(readFileSync(file, 'utf8')).not.toContain(BRIDGE_PATH);
});
