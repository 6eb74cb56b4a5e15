import { create } from 'zustand';
import type { KnownAccount } from '../../../../../shared/contract';

export type AccountRef = Pick<KnownAccount, 'server' | 'userId' | 'tenantId'>;

/**
 * Which auth form shows and for whom, across a lock: the tenant switcher picks an account and
 * locks; the auth screen then unlocks (or signs in) that account instead of the locked one.
 */
interface AuthUiState {
  /** An account chosen to switch to; null: the locked (or last used) account. */
  target: AccountRef | null;
  /** The person asked for the online form although an offline unlock is possible. */
  preferSignIn: boolean;
  /** The online form the person chose; null: the one the account last signed in with. */
  signInWith: 'password' | 'sso' | null;
  chooseAccount(target: AccountRef | null): void;
  setPreferSignIn(prefer: boolean): void;
  setSignInWith(method: 'password' | 'sso' | null): void;
}

export const useAuthUi = create<AuthUiState>((set) => ({
  target: null,
  preferSignIn: false,
  signInWith: null,
  chooseAccount: (target) => set({ target, preferSignIn: false, signInWith: null }),
  setPreferSignIn: (preferSignIn) => set({ preferSignIn }),
  setSignInWith: (signInWith) => set({ signInWith }),
}));

export function sameAccount(a: AccountRef | null | undefined, b: AccountRef | null | undefined): boolean {
  return !!a && !!b && a.server === b.server && a.userId === b.userId && a.tenantId === b.tenantId;
}

/**
 * The grant's notAfter is only in the status while unlocked (the grant itself is inside the
 * encrypted cache). The renderer keeps the last one it saw per account, so the unlock screen
 * can say until when offline work is allowed; the core enforces the window either way.
 */
const grantKey = (account: AccountRef) => `plantdesk.grantNotAfter:${account.server}|${account.userId}|${account.tenantId}`;

export function rememberGrantNotAfter(account: AccountRef, notAfter: string): void {
  try {
    localStorage.setItem(grantKey(account), notAfter);
  } catch {
    // Storage unavailable: the unlock screen then says the time is shown after the next unlock.
  }
}

export function recalledGrantNotAfter(account: AccountRef): string | null {
  try {
    return localStorage.getItem(grantKey(account));
  } catch {
    return null;
  }
}

/**
 * While unlocked: remember the grant's window for the unlock screen, and forget a switch target
 * or form preference (they were for the auth screen that is now gone).
 */
export function noteUnlockedStatus(status: { state: string; server: string | null; user: { id: string } | null; tenantId: string | null; grantNotAfter: string | null }): void {
  if (status.state !== 'unlocked') return;
  if (status.server && status.user && status.tenantId && status.grantNotAfter) {
    rememberGrantNotAfter({ server: status.server, userId: status.user.id, tenantId: status.tenantId }, status.grantNotAfter);
  }
  const ui = useAuthUi.getState();
  if (ui.target !== null || ui.preferSignIn || ui.signInWith !== null) useAuthUi.setState({ target: null, preferSignIn: false, signInWith: null });
}
