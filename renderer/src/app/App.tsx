import { useQuery } from '@tanstack/react-query';
import { sessionStatusQuery } from '../features/auth/api/queries';
import { AuthScreen } from '../features/auth/components/AuthScreen';
import { StartScreen } from '../features/auth/components/StartScreen';
import { useRoute } from '../lib/router';
import { AppFrame } from './AppFrame';
import { AppProviders } from './providers';
import { screenComponents } from './screens';

/** Locked or signed out: the auth screens. Unlocked: the frame and the screen of the route. */
function SessionGate() {
  const session = useQuery(sessionStatusQuery());
  const route = useRoute();
  if (!session.data) return <StartScreen />;
  if (session.data.state !== 'unlocked') return <AuthScreen status={session.data} />;
  const CurrentScreen = screenComponents[route.screen];
  return (
    <AppFrame>
      <CurrentScreen />
    </AppFrame>
  );
}

export function App() {
  return (
    <AppProviders>
      <SessionGate />
    </AppProviders>
  );
}
