import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { QueryState } from '../../../components/QueryState';
import { sessionStatusQuery } from '../../../workstation/session';
import { ssoSettingsQuery } from '../api/queries';
import { useSettingsT } from '../messages';
import { SsoSettingsForm } from './SsoSettingsForm';
import '../settings.css';

/** The organisation's settings an admin manages from the app; they live on the server, so online only. */
export function SettingsScreen() {
  const t = useSettingsT();
  const status = useQuery(sessionStatusQuery());
  const offline = status.data?.online === false;
  // Asked only once the connection is known to be there: offline the core would refuse anyway.
  const settings = useQuery({ ...ssoSettingsQuery(), enabled: status.data?.online === true });
  const titleId = useId();
  return (
    <section className="settings-screen" aria-labelledby={titleId}>
      <h1 id={titleId}>{t('title')}</h1>
      <section className="settings-section" aria-labelledby={`${titleId}-sso`}>
        <h2 id={`${titleId}-sso`}>{t('ssoTitle')}</h2>
        <p className="settings-intro">{t('ssoIntro')}</p>
        {offline ? (
          <p className="settings-offline" role="status">
            <span aria-hidden="true">⚠ </span>
            {t('offline')}
          </p>
        ) : (
          <QueryState isPending={settings.isPending} error={settings.error} onRetry={() => void settings.refetch()}>
            {settings.data && <SsoSettingsForm key={settings.data.tenantId} settings={settings.data} />}
          </QueryState>
        )}
      </section>
    </section>
  );
}
