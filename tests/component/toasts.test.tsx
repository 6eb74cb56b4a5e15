import { act, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Toasts } from '../../renderer/src/components/Toasts';
import { toastMillis, useToasts } from '../../renderer/src/lib/toasts';
import { useLocaleStore } from '../../renderer/src/i18n/i18n';

describe('toasts', () => {
  afterEach(() => {
    cleanup();
    useToasts.setState({ toasts: [] });
    vi.useRealTimers();
  });

  it('says a finished background action once, in a polite live region, and goes by itself', () => {
    vi.useFakeTimers();
    render(<Toasts />);
    act(() => useToasts.getState().show({ key: 'toast.sent', params: { count: 2 }, tone: 'info', href: null }));
    const region = screen.getByTestId('toasts');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(within(region).getByTestId('toast').textContent).toContain('Sync done: 2 changes reached the server.');
    act(() => vi.advanceTimersByTime(toastMillis + 1));
    expect(within(region).queryByTestId('toast')).toBeNull();
  });

  it('keeps a warning until dismissed, with a link where to look, in the chosen language', () => {
    vi.useFakeTimers();
    render(<Toasts />);
    act(() => useLocaleStore.setState({ locale: 'de' }));
    act(() => useToasts.getState().show({ key: 'toast.conflicts', params: { count: 1 }, tone: 'warning', href: '#/sync' }));
    act(() => vi.advanceTimersByTime(toastMillis * 3));
    const toast = screen.getByTestId('toast');
    expect(toast.textContent).toContain('1 Änderung kam als Konflikt zurück');
    expect(within(toast).getByRole('link', { name: 'Anzeigen' }).getAttribute('href')).toBe('#/sync');
    act(() => within(toast).getByRole('button', { name: 'Ausblenden' }).click());
    expect(screen.queryByTestId('toast')).toBeNull();
    act(() => useLocaleStore.setState({ locale: 'en' }));
  });
});
