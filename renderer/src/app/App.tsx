import { StartScreen } from '../features/auth/components/StartScreen';
import { AppProviders } from './providers';

export function App() {
  return (
    <AppProviders>
      <StartScreen />
    </AppProviders>
  );
}
