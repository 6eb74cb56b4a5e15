import { Dialog } from '../../../components/Dialog';
import { useCommonT } from '../../../components/messages';
import { useErrorText } from '../hooks/useErrorText';
import { useUsersT } from '../messages';

/** "Are you sure?" for one server action, with the server's refusal shown in place. */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  text: string;
  confirmLabel: string;
  danger?: boolean;
  pending: boolean;
  error: unknown;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const t = useUsersT();
  const common = useCommonT();
  const errorText = useErrorText();
  return (
    <Dialog open={props.open} title={props.title} description={props.text} onClose={props.onClose}>
      {props.error ? (
        <p className="error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {errorText(props.error)}
        </p>
      ) : null}
      <div className="people-dialog-actions">
        <button type="button" onClick={props.onClose}>
          {common('cancel')}
        </button>
        <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm} disabled={props.pending}>
          {props.pending ? t('saving') : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
