import { useToasts } from '../lib/toasts';
import { useCommonT } from './messages';

/**
 * The toasts, bottom right, in a polite live region (a screen reader says each once without
 * taking the focus); warnings stay until dismissed and may point where to look.
 */
export function Toasts() {
  const t = useCommonT();
  const toasts = useToasts((state) => state.toasts);
  const dismiss = useToasts((state) => state.dismiss);
  return (
    <section className="toasts" aria-label={t('notifications')} aria-live="polite" data-testid="toasts">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast-${toast.tone}`} role="status" data-testid="toast">
          <span>{t(toast.key, toast.params)}</span>
          {toast.href && (
            <a href={toast.href} onClick={() => dismiss(toast.id)}>
              {t('show')}
            </a>
          )}
          <button type="button" className="toast-dismiss" aria-label={t('dismiss')} onClick={() => dismiss(toast.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
