import type { SessionStatus } from '../../../../../shared/contract';
import { StartScreen } from './StartScreen';

/** Sign-in, offline unlock and the idle lock screen (issue 7); the start screen until then. */
export function AuthScreen(_props: { status: SessionStatus }) {
  return <StartScreen />;
}
