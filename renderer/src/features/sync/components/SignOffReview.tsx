import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { CallResponse } from '../../../../../shared/contract';
import { Dialog } from '../../../components/Dialog';
import { ErrorText } from '../../../components/QueryState';
import { formatDateTime } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { invoke } from '../../../lib/api';
import { hrefFor } from '../../../lib/router';
import { syncKeys } from '../api/queries';
import { useSyncT } from '../messages';
import { useSiteTime } from '../../../workstation/site-time';
import { personName, type CardNames } from './card-names';

type Review = NonNullable<CallResponse<'conflicts.list'>[number]['signOffReview']>;

/**
 * A sign-off that did not go through is a signature over content that changed: it shows what
 * was added or amended after the person signed, links to the log, and signs again only with
 * the password entered now (never by re-sending the old signature).
 */
export function SignOffReview(props: { conflictId: number; review: Review; people: CardNames }) {
  const t = useSyncT();
  const locale = useLocaleStore((state) => state.locale);
  const timeZone = useSiteTime().tenantZone;
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const passwordId = useId();
  const { review } = props;
  const signAgain = useMutation({
    mutationFn: () => invoke('conflicts.retry', { id: props.conflictId, password }),
    onSuccess: () => setOpen(false),
    onSettled: () => {
      setPassword('');
      return queryClient.invalidateQueries({ queryKey: syncKeys.all });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== '') signAgain.mutate();
  };
  return (
    <section className="sync-signoff-review" aria-label={t('signOffReview.title')} data-testid="signoff-review">
      <h4>{t('signOffReview.title')}</h4>
      {review.changes.length === 0 ? (
        <p className="sync-muted">{t('signOffReview.noChanges')}</p>
      ) : (
        <ul>
          {review.changes.map((change) => (
            <li key={change.id}>
              <time dateTime={change.at}>{formatDateTime(change.at, locale, timeZone)}</time> · {t(`signOffReview.kind.${change.kind}`)} · {personName(t, props.people, change.authorId)}
              {change.body !== null && <>: {change.body.length > 160 ? `${change.body.slice(0, 160)}…` : change.body}</>}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={hrefFor('shift-logs', review.shiftLogId)}>{t('signOffReview.openLog')}</a>
      </p>
      <button type="button" onClick={() => setOpen(true)}>
        {t('signOffReview.signAgain')}
      </button>
      <Dialog open={open} title={t('signOffReview.dialogTitle')} description={t('signOffReview.dialogText')} onClose={() => setOpen(false)}>
        <form onSubmit={submit} className="action-form">
          <label htmlFor={passwordId}>{t('signOffReview.password')}</label>
          <input id={passwordId} type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />
          <ErrorText error={signAgain.error} />
          <div className="sync-dialog-actions">
            <button type="submit" disabled={signAgain.isPending || password === ''}>
              {t('signOffReview.submit')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('keep')}
            </button>
          </div>
        </form>
      </Dialog>
    </section>
  );
}
