import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installPlantdeskStub } from './support/plantdesk-stub';
import { useSiteTime } from '../../renderer/src/workstation/site-time';

// The window's one site-time rule: every screen shows times through useSiteTime, which reads the
// area tree from the shared cache and applies shared/site-time.ts.
const ok = (value: unknown) => ({ ok: true, value });
const site = { id: 'site-1', parent_id: null, kind: 'site', name: 'Northfield', time_zone: 'Europe/London' };
const boilers = { id: 'area-1', parent_id: 'site-1', kind: 'area', name: 'Boiler house', time_zone: null };
// 00:30 UTC on 25 October 2026 is 01:30 BST in London; in Auckland it is 13:30 NZDT.
const instant = '2026-10-25T00:30:00.000Z';

function SiteTimeProbe() {
  const siteTime = useSiteTime();
  return (
    <dl>
      <dt>pending</dt>
      <dd data-testid="pending">{String(siteTime.isPending)}</dd>
      <dt>tenant</dt>
      <dd data-testid="tenant">{siteTime.format(instant)}</dd>
      <dt>area</dt>
      <dd data-testid="area">{siteTime.format(instant, 'area-1')}</dd>
    </dl>
  );
}

function renderProbe(areas: unknown) {
  installPlantdeskStub({ 'areas.list': areas });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <SiteTimeProbe />
    </QueryClientProvider>,
  );
}

// This machine's zone is set far from the site, so a time shown in it could not pass.
beforeEach(() => {
  vi.stubEnv('TZ', 'Pacific/Auckland');
});
afterEach(() => {
  cleanup();
  Reflect.deleteProperty(window, 'plantdesk');
  vi.unstubAllEnvs();
});

describe('site time in the window', () => {
  it("shows times in the site's zone, named, for the tenant and for an area under the site", async () => {
    renderProbe(ok([site, boilers]));
    expect((await screen.findByText('false')).dataset.testid).toBe('pending');
    expect(screen.getByTestId('tenant').textContent).toBe('Oct 25, 2026, 1:30 AM GMT+1');
    expect(screen.getByTestId('area').textContent).toBe('Oct 25, 2026, 1:30 AM GMT+1');
  });

  it("falls back to UTC, not the workstation's zone, when the tenant has no site zone", async () => {
    renderProbe(ok([{ ...boilers, parent_id: null }]));
    expect((await screen.findByText('false')).dataset.testid).toBe('pending');
    expect(screen.getByTestId('tenant').textContent).toBe('Oct 25, 2026, 12:30 AM UTC');
    expect(screen.getByTestId('area').textContent).toBe('Oct 25, 2026, 12:30 AM UTC');
  });

  it('shows UTC, and says it is pending, while the area tree is being read', () => {
    renderProbe(new Promise(() => {}));
    expect(screen.getByTestId('pending').textContent).toBe('true');
    expect(screen.getByTestId('tenant').textContent).toBe('Oct 25, 2026, 12:30 AM UTC');
  });
});
