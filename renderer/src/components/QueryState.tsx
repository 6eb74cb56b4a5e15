import type { ReactNode } from 'react';
import { PlantdeskError } from '../../../shared/errors';
import { useCommonT } from './messages';

/**
 * The states every data view has, rendered the same everywhere: loading, error (with the
 * core's own message, which says what to do), forbidden, offline (needs_connection), empty.
 */
export function QueryState(props: {
  isPending: boolean;
  error: unknown;
  isEmpty?: boolean;
  emptyText?: string;
  onRetry?: () => void;
  children: ReactNode;
}) {
  const t = useCommonT();
  if (props.isPending) {
    return (
      <p className="state state-loading" role="status" aria-live="polite">
        {t('loading')}
      </p>
    );
  }
  if (props.error) {
    const code = props.error instanceof PlantdeskError ? props.error.code : 'internal';
    const message = code === 'forbidden' ? t('forbidden') : code === 'needs_connection' ? t('offline') : props.error instanceof Error ? props.error.message : t('errorTitle');
    return (
      <div className={`state state-error state-${code}`} role="alert" data-error-code={code}>
        <p>{message}</p>
        {props.onRetry && code !== 'forbidden' && (
          <button type="button" onClick={props.onRetry}>
            {t('retry')}
          </button>
        )}
      </div>
    );
  }
  if (props.isEmpty) return <p className="state state-empty">{props.emptyText ?? t('empty')}</p>;
  return <>{props.children}</>;
}

/** A typed error's message for a person, e.g. under a form. */
export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-error-code={error instanceof PlantdeskError ? error.code : 'internal'}>
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
