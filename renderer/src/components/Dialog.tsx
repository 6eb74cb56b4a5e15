import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useCommonT } from './messages';

/**
 * A modal dialog on the native <dialog> element: focus moves in and is kept inside by the
 * browser, Escape closes it, the title labels it for screen readers.
 */
export function Dialog(props: { open: boolean; title: string; onClose: () => void; children: ReactNode; description?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const t = useCommonT();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    } else if (!props.open && dialog.open) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
    }
  }, [props.open]);
  if (!props.open) return null;
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label={t('close')} onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.description && <p id={descriptionId}>{props.description}</p>}
      {props.children}
    </dialog>
  );
}
