import { useId, useState } from 'react';
import { Dialog } from '../../../components/Dialog';
import { useCommonT } from '../../../components/messages';
import { useEraseUser, type UserView } from '../api/queries';
import { useErrorText } from '../hooks/useErrorText';
import { useUsersT } from '../messages';

/** Typed confirmation: the person's email (any case) or ERASE, plus a reason; nothing less unlocks the button. */
export function eraseConfirmed(typed: string, email: string): boolean {
  const value = typed.trim();
  return value === 'ERASE' || (value.length > 0 && value.toLowerCase() === email.toLowerCase());
}

export function EraseUserDialog(props: { user: UserView; open: boolean; onClose: () => void }) {
  const t = useUsersT();
  const common = useCommonT();
  const errorText = useErrorText();
  const erase = useEraseUser();
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const typedId = useId();
  const reasonId = useId();
  const gateId = useId();
  const ready = eraseConfirmed(typed, props.user.email) && reason.trim().length > 0;
  const close = () => {
    setTyped('');
    setReason('');
    erase.reset();
    props.onClose();
  };
  return (
    <Dialog open={props.open} title={t('eraseTitle', { name: props.user.display_name })} description={t('eraseText')} onClose={close}>
      <form
        className="people-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) erase.mutate({ userId: props.user.id, reason: reason.trim() }, { onSuccess: close });
        }}
      >
        <label htmlFor={typedId}>{t('eraseTypeLabel', { email: props.user.email })}</label>
        <input id={typedId} value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} />
        <label htmlFor={reasonId}>{t('eraseReasonLabel')}</label>
        <textarea id={reasonId} value={reason} maxLength={500} rows={3} onChange={(event) => setReason(event.target.value.replace(/[\r\n]+/g, ' '))} />
        {!ready && (
          <p id={gateId} className="hint">
            {t('eraseGate')}
          </p>
        )}
        {erase.error ? (
          <p className="error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {errorText(erase.error)}
          </p>
        ) : null}
        <div className="people-dialog-actions">
          <button type="button" onClick={close}>
            {common('cancel')}
          </button>
          <button type="submit" className="danger" disabled={!ready || erase.isPending} aria-describedby={ready ? undefined : gateId}>
            {erase.isPending ? t('saving') : t('eraseConfirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
