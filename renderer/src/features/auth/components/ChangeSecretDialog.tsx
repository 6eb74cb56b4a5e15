import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { invoke } from '../../../lib/api';
import { useAuthT } from '../messages';
import { AuthError } from './auth-error';

type Kind = 'password' | 'passphrase';

/** The words and the call of each kind; the form is the same. */
const kinds = {
  // On the server (it checks the current one and the policy); this workstation's copy moves over to the new one. Online only.
  password: {
    words: { title: 'password.title', lede: 'password.lede', current: 'password.current', next: 'password.new', hint: null, repeat: 'enrol.repeatLabel', mismatch: 'enrol.mismatch', submit: 'password.submit', done: 'password.done' },
    change: (current: string, next: string) => invoke('auth.changePassword', { currentPassword: current, newPassword: next }),
  },
  // A single sign-on account's local unlock passphrase: the core re-wraps the cache key, nothing goes to the server, so it works offline.
  passphrase: {
    words: { title: 'passphrase.title', lede: 'passphrase.lede', current: 'passphrase.current', next: 'passphrase.new', hint: 'sso.newPassphraseHint', repeat: 'sso.repeatLabel', mismatch: 'sso.mismatch', submit: 'passphrase.submit', done: 'passphrase.done' },
    change: (current: string, next: string) => invoke('auth.changePassphrase', { currentPassphrase: current, newPassphrase: next }),
  },
} as const;

/** A person changes their own password, or, for a single sign-on account, its local passphrase. */
export function ChangeSecretDialog(props: { kind: Kind; open: boolean; onClose(): void }) {
  const t = useAuthT();
  const id = useId();
  const { words } = kinds[props.kind];
  const change = useMutation({ mutationFn: ({ current, next }: { current: string; next: string }) => kinds[props.kind].change(current, next) });
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
    change.mutate({ current, next }, { onSuccess: () => setCurrent('') });
  }
  return (
    <Dialog open={props.open} title={t(words.title)} description={t(words.lede)} onClose={close}>
      {change.isSuccess ? (
        <>
          <p role="status" data-testid={`${props.kind}-changed`}>
            {t(words.done)}
          </p>
          <button type="button" className="primary" onClick={close} autoFocus>
            {t('password.close')}
          </button>
        </>
      ) : (
        <form className="auth-form" onSubmit={submit}>
          <label htmlFor={`${id}-current`}>{t(words.current)}</label>
          <input id={`${id}-current`} type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
          <label htmlFor={`${id}-next`}>{t(words.next)}</label>
          <input
            id={`${id}-next`}
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={128}
            aria-describedby={words.hint ? `${id}-hint` : undefined}
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          {words.hint && (
            <p id={`${id}-hint`} className="auth-hint">
              {t(words.hint)}
            </p>
          )}
          <label htmlFor={`${id}-repeat`}>{t(words.repeat)}</label>
          <input id={`${id}-repeat`} type="password" autoComplete="new-password" required value={repeat} onChange={(event) => setRepeat(event.target.value)} />
          {mismatch && (
            <p role="alert" className="auth-error">
              {t(words.mismatch)}
            </p>
          )}
          <AuthError error={change.error} secondsLeft={0} secret={props.kind} />
          <button type="submit" className="primary" disabled={change.isPending}>
            {t(words.submit)}
          </button>
        </form>
      )}
    </Dialog>
  );
}
