import { withScheme } from '../../../../../shared/server-address';
import { useAuthT } from '../messages';

/**
 * The server's address as people type it (often without a scheme): the field, and below it the
 * address Plantdesk will really connect to whenever that differs from what was typed.
 */
export function ServerAddressField(props: { id: string; value: string; onChange(value: string): void; autoFocus: boolean }) {
  const t = useAuthT();
  const completed = withScheme(props.value);
  const differs = completed !== props.value.trim();
  return (
    <>
      <label htmlFor={`${props.id}-server`}>{t('serverLabel')}</label>
      <input
        id={`${props.id}-server`}
        name="server"
        type="text"
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        required
        autoFocus={props.autoFocus}
        value={props.value}
        placeholder={t('serverHint')}
        aria-describedby={differs ? `${props.id}-server-completed` : undefined}
        onChange={(event) => props.onChange(event.target.value)}
      />
      {differs && (
        <p className="auth-hint" id={`${props.id}-server-completed`} data-testid="server-completed">
          {t('serverCompleted', { address: completed })}
        </p>
      )}
    </>
  );
}
