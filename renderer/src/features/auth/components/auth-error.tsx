import { PlantdeskError } from '../../../../../shared/errors';
import { useAuthT } from '../messages';

/** Codes with their own sentence in the auth catalogue (translated); others show the core's message. */
const translatedCodes = [
  'invalid_credentials',
  'throttled',
  'rate_limited',
  'locked',
  'invalid_code',
  'challenge_expired',
  'server_key_changed',
  'server_key_set_aside',
  'keychain_unavailable',
  'insecure_server_url',
  'server_unreachable',
  'grant_expired',
  'user_inactive',
  'no_membership',
  'previous_password_needed',
  'wrong_password',
  'session_revoked',
  'session_expired',
  'vault_not_found',
  'device_secret_missing',
  'grant_invalid',
  'invalid_request',
  'weak_password',
  'enrolment_link_malformed',
  'enrolment_invalid',
  'sso_required',
  'sso_not_configured',
  'sso_cancelled',
  'sso_timed_out',
  'sso_refused',
  'sso_choose_organisation',
  'sso_token_invalid',
  'sso_replayed',
  'sso_email_not_allowed',
  'sso_no_account',
  'sso_identity_mismatch',
  'sso_provider_unreachable',
  'wrong_passphrase',
  'not_sso_account',
  'wipe_not_confirmed',
] as const;
type TranslatedCode = (typeof translatedCodes)[number];

export function errorCodeOf(error: unknown): string {
  return error instanceof PlantdeskError ? error.code : 'internal';
}

/**
 * The message under a sign-in or unlock form: what happened and what to do next, with a countdown
 * when the server asked to wait. For a single sign-on account the local secret is a passphrase,
 * and the words say so.
 */
export function AuthError({ error, secondsLeft, secret = 'password' }: { error: unknown; secondsLeft: number; secret?: 'password' | 'passphrase' }) {
  const t = useAuthT();
  if (!error) return null;
  const code = errorCodeOf(error);
  if (secret === 'passphrase' && (code === 'weak_password' || code === 'wrong_password')) {
    return <ErrorText code={code} text={t(code === 'weak_password' ? 'error.weak_passphrase' : 'error.wrong_passphrase')} secondsLeft={0} />;
  }
  // The server's 'locked' (account lockout) shares its code with the core's 'cache is locked';
  // only the server's reaches a sign-in form, so the lockout sentence is the right one here.
  const text = (translatedCodes as readonly string[]).includes(code)
    ? t(`error.${code as TranslatedCode}`)
    : error instanceof Error
      ? error.message
      : String(error);
  return <ErrorText code={code} text={text} secondsLeft={secondsLeft} />;
}

function ErrorText({ code, text, secondsLeft }: { code: string; text: string; secondsLeft: number }) {
  const t = useAuthT();
  return (
    <div className="auth-error" data-error-code={code}>
      <p role="alert">
        <span aria-hidden="true" className="auth-error-glyph">
          ⚠{' '}
        </span>
        {text}
      </p>
      {/* Outside the alert: a ticking number must not be read out every second. */}
      {secondsLeft > 0 && <p data-testid="retry-countdown">{t('retryIn', { seconds: secondsLeft })}</p>}
    </div>
  );
}
