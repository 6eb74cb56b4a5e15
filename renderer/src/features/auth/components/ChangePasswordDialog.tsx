import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { useChangePassword } from '../api/queries';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';

/**
 * A person changes their own password: on the server (it checks the current one and the
 * policy), and this workstation's copy is moved over to the new one. Online only.
 */
export function ChangePasswordDialog(props: { open: boolean; onClose(): void }) {
  const t = useAuthT();
  const id = useId();
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const close = () => {
    setCurrent('');
    setNext('');
    setRepeat('');
    setMismatch(false);
    change.reset();
    props.onClose();
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    if (next !== repeat) return setMismatch(true);
    setMismatch(false);
    change.mutate({ currentPassword: current, newPassword: next }, { onSuccess: () => setCurrent('') });
  }
  return (
    <Dialog open={props.open} title={t('password.title')} description={t('password.lede')} onClose={close}>
      {change.isSuccess ? (
        <>
          <p role="status" data-testid="password-changed">
            {t('password.done')}
          </p>
          <button type="button" className="primary" onClick={close} autoFocus>
            {t('password.close')}
          </button>
        </>
      ) : (
        <form className="auth-form" onSubmit={submit}>
          <label htmlFor={`${id}-current`}>{t('password.current')}</label>
          <input id={`${id}-current`} type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
          <label htmlFor={`${id}-next`}>{t('password.new')}</label>
          <input id={`${id}-next`} type="password" autoComplete="new-password" required minLength={12} value={next} onChange={(event) => setNext(event.target.value)} />
          <label htmlFor={`${id}-repeat`}>{t('enrol.repeatLabel')}</label>
          <input id={`${id}-repeat`} type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
          {mismatch && (
            <p role="alert" className="auth-error">
              {t('enrol.mismatch')}
            </p>
          )}
          <AuthError error={change.error} secondsLeft={0} />
          <button type="submit" className="primary" disabled={change.isPending}>
            {t('password.submit')}
          </button>
        </form>
      )}
    </Dialog>
  );
}
