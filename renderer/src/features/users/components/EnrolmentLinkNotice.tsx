import { useState } from 'react';
import { useUsersT } from '../messages';
import { useSiteTime } from '../../../workstation/site-time';

/**
 * The one time an enrolment link is shown: the admin hands it to the person, who sets their own
 * password and authenticator with it. Plantdesk never shows it again, and never shows the admin
 * a password or an authenticator key.
 */
export function EnrolmentLinkNotice(props: { name: string; link: string; expiresAt: string }) {
  const t = useUsersT();
  const siteTime = useSiteTime();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <div className="people-enrolment" role="status" data-testid="enrolment-link">
      <p>{t('enrolment.handOver', { name: props.name, until: siteTime.format(props.expiresAt) })}</p>
      <p className="people-enrolment-row">
        <input className="people-enrolment-link" aria-label={t('enrolment.linkLabel')} readOnly value={props.link} onFocus={(event) => event.currentTarget.select()} />
        <button
          type="button"
          onClick={() => {
            // The clipboard may be refused (no permission, no focus): then say how to copy by hand.
            const write = navigator.clipboard?.writeText(props.link) ?? Promise.reject(new Error('no clipboard'));
            void write.then(
              () => setCopy('copied'),
              () => setCopy('failed'),
            );
          }}
        >
          {t('enrolment.copy')}
        </button>
        {copy !== 'idle' && <span className={copy === 'failed' ? 'error' : 'people-saved'}>{copy === 'copied' ? t('enrolment.copied') : t('enrolment.copyFailed')}</span>}
      </p>
      <p className="muted">{t('enrolment.once')}</p>
    </div>
  );
}
