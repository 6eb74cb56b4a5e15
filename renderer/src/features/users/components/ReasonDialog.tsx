import { useId, useState } from 'react';
import { Dialog } from '../../../components/Dialog';
import { useCommonT } from '../../../components/messages';
import { useErrorText } from '../hooks/useErrorText';
import { useUsersT } from '../messages';

/**
 * One server action on a person with a reason for the audit trail: optional (unlock) or
 * required, and for what cannot be undone from here (a sign-in reset) the person's email typed
 * back, any case, before the button unlocks.
 */
export function ReasonDialog(props: {
  open: boolean;
  title: string;
  text: string;
  confirmLabel: string;
  reasonLabel: string;
  reasonRequired: boolean;
  /** When set, this value must be typed (any case) to confirm. */
  typed?: { expected: string; label: string; gate: string };
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string | undefined) => void;
  onClose: () => void;
}) {
  const t = useUsersT();
  const common = useCommonT();
  const errorText = useErrorText();
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const reasonId = useId();
  const typedId = useId();
  const gateId = useId();
  const typedOk = !props.typed || (typed.trim().length > 0 && typed.trim().toLowerCase() === props.typed.expected.toLowerCase());
  const ready = typedOk && (!props.reasonRequired || reason.trim().length > 0);
  const close = () => {
    setReason('');
    setTyped('');
    props.onClose();
  };
  return (
    <Dialog open={props.open} title={props.title} description={props.text} onClose={close}>
      <form
        className="people-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (ready && !props.pending) props.onConfirm(reason.trim() || undefined);
        }}
      >
        {props.typed && (
          <>
            <label htmlFor={typedId}>{props.typed.label}</label>
            <input id={typedId} value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" spellCheck={false} />
          </>
        )}
        <label htmlFor={reasonId}>{props.reasonLabel}</label>
        <textarea id={reasonId} value={reason} maxLength={500} rows={2} required={props.reasonRequired} onChange={(event) => setReason(event.target.value.replace(/[\r\n]+/g, ' '))} />
        {!ready && props.typed && (
          <p id={gateId} className="hint">
            {props.typed.gate}
          </p>
        )}
        {props.error ? (
          <p className="error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {errorText(props.error)}
          </p>
        ) : null}
        <div className="people-dialog-actions">
          <button type="button" onClick={close}>
            {common('cancel')}
          </button>
          <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={!ready || props.pending} aria-describedby={!ready && props.typed ? gateId : undefined}>
            {props.pending ? t('saving') : props.confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
