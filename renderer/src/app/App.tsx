import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { AuthLayout, AuthScreen } from '../features/auth/components/AuthScreen';
import { noteUnlockedStatus } from '../features/auth/hooks/auth-ui';
import { useActivityReporter } from '../features/auth/hooks/use-activity-reporter';
import { useLocaleStore, useT } from '../i18n/i18n';
import { useRoute } from '../lib/router';
import { AppFrame } from './AppFrame';
import { Toasts } from '../components/Toasts';
import { CommandPalette } from './CommandPalette';
import { AppProviders } from './providers';
import { screenComponents } from './screens';
import { sessionStatusQuery } from '../workstation/session';

/** Locked or signed out: the auth screens. Unlocked: the frame and the screen of the route. */
function SessionGate() {
  const t = useT();
  const session = useQuery(sessionStatusQuery());
  const route = useRoute();
  const status = session.data;
  const unlocked = status?.state === 'unlocked';
  // Real input postpones the core's idle lock; the lock itself arrives as 'session.changed'.
  useActivityReporter(unlocked);
  useEffect(() => {
    if (status) noteUnlockedStatus(status);
  }, [status]);

  if (!status) {
    return (
      <AuthLayout sessionState={session.isError ? t('session.unavailable') : t('session.checking')}>
        {session.isError ? (
          <p role="alert" className="error">
            {session.error.message}
          </p>
        ) : (
          <p role="status">{t('session.checking')}</p>
        )}
      </AuthLayout>
    );
  }
  if (!unlocked) return <AuthScreen status={status} />;
  const CurrentScreen = screenComponents[route.screen];
  return (
    <AppFrame status={status}>
      <Toasts />
      <CommandPalette />
      <CurrentScreen />
    </AppFrame>
  );
}

/** The page language follows the chosen locale (screen readers pick their voice by it). */
function DocumentLanguage() {
  const locale = useLocaleStore((state) => state.locale);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return null;
}

export function App() {
  return (
    <AppProviders>
      <DocumentLanguage />
      <SessionGate />
    </AppProviders>
  );
}
