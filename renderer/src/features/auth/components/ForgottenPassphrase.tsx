import { useId, useState, type FormEvent } from 'react';
import { useWipe, useWipePreview } from '../api/queries';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';

/**
 * A forgotten passphrase cannot be recovered: the way out is to remove this workstation's data
 * for the account and sign in with single sign-on again, which downloads the data anew. The
 * removal is the guarded wipe, confirmed by typing the words the core names (they count the
 * changes that would be lost).
 */
export function ForgottenPassphrase(props: { open?: boolean; canWipe: boolean; onWiped?: () => void }) {
  const t = useAuthT();
  const id = useId();
  const [open, setOpen] = useState(props.open ?? false);
  const preview = useWipePreview();
  const wipe = useWipe();
  const [confirm, setConfirm] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    if (wipe.isPending) return;
    wipe.mutate({ confirm }, { onSuccess: () => props.onWiped?.() });
  }

  if (!open) {
    return (
      <button type="button" className="link-button" aria-expanded={false} onClick={() => setOpen(true)}>
        {t('sso.forgotOpen')}
      </button>
    );
  }
  return (
    <div className="auth-offer" data-testid="forgotten-passphrase">
      <p>{t('sso.forgotText')}</p>
      {props.canWipe &&
        (preview.data ? (
          <form className="auth-form" onSubmit={submit}>
            <p>{preview.data.pendingChanges > 0 ? t('wipe.pending', { count: preview.data.pendingChanges }) : t('wipe.nothingPending')}</p>
            <label htmlFor={`${id}-confirm`}>{t('wipe.confirmLabel', { confirmation: preview.data.confirmation })}</label>
            <input id={`${id}-confirm`} name="confirm" type="text" autoComplete="off" spellCheck={false} required value={confirm} onChange={(event) => setConfirm(event.target.value)} />
            <AuthError error={wipe.error} secondsLeft={0} secret="passphrase" />
            <div className="auth-actions">
              <button type="submit" className="danger" disabled={wipe.isPending || confirm !== preview.data.confirmation}>
                {t('wipe.submit')}
              </button>
              <button type="button" onClick={() => (preview.reset(), setConfirm(''))}>
                {t('wipe.keep')}
              </button>
            </div>
          </form>
        ) : (
          <>
            <button type="button" onClick={() => preview.mutate()} disabled={preview.isPending}>
              {t('wipe.open')}
            </button>
            <AuthError error={preview.error} secondsLeft={0} />
          </>
        ))}
    </div>
  );
}
