import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { ErrorText } from '../../../components/QueryState';
import { invoke } from '../../../lib/api';
import { adminsQuery, settingsKeys, type SsoSettings, type SsoTest } from '../api/queries';
import { useSettingsT } from '../messages';
import { formOf, groupRolesOf, patchOf, type SsoForm } from './sso-form';

/** The SSO settings as a form: save sends only what changed; "test" asks the server to run discovery now. */
export function SsoSettingsForm(props: { settings: SsoSettings }) {
  const t = useSettingsT();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState<SsoForm>(() => formOf(props.settings));
  const [notice, setNotice] = useState<'saved' | 'noChange' | null>(null);
  const admins = useQuery(adminsQuery());
  const set = <K extends keyof SsoForm>(key: K, value: SsoForm[K]) => {
    setNotice(null);
    setForm((current) => ({ ...current, [key]: value }));
  };
  const groups = groupRolesOf(form.groupRoles);
  const save = useMutation({
    mutationFn: async () => {
      if (!groups.ok) return null;
      const patch = patchOf(props.settings, form, groups.value);
      if (patch === null) return null;
      return invoke('ssoSettings.update', patch);
    },
    onSuccess: (saved) => {
      if (saved) {
        queryClient.setQueryData(settingsKeys.sso(), saved);
        // The form starts again from what the server now has (the secret field empties).
        setForm(formOf(saved));
      }
      setNotice(saved ? 'saved' : 'noChange');
    },
  });
  const test = useMutation({
    mutationFn: () => invoke('ssoSettings.test', { ...(form.issuer.trim() ? { issuer: form.issuer.trim() } : {}), ...(form.clientId.trim() ? { clientId: form.clientId.trim() } : {}) }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (groups.ok) save.mutate();
  };
  const field = (name: string) => `${id}-${name}`;

  return (
    <form className="settings-form" onSubmit={submit} aria-describedby={`${id}-status`}>
      <label className="settings-check">
        <input type="checkbox" checked={form.enabled} onChange={(event) => set('enabled', event.target.checked)} />
        {t('enabled')}
      </label>
      <div className="settings-field">
        <label htmlFor={field('issuer')}>{t('issuer')}</label>
        <input id={field('issuer')} type="url" value={form.issuer} onChange={(event) => set('issuer', event.target.value)} aria-describedby={field('issuer-hint')} spellCheck={false} />
        <span id={field('issuer-hint')} className="settings-hint">
          {t('issuerHint')}
        </span>
      </div>
      <div className="settings-field">
        <label htmlFor={field('client')}>{t('clientId')}</label>
        <input id={field('client')} value={form.clientId} onChange={(event) => set('clientId', event.target.value)} spellCheck={false} />
      </div>
      <div className="settings-field">
        <label htmlFor={field('secret')}>{t('clientSecret')}</label>
        <input
          id={field('secret')}
          type="password"
          autoComplete="off"
          value={form.clientSecret}
          disabled={form.removeSecret}
          onChange={(event) => set('clientSecret', event.target.value)}
          aria-describedby={field('secret-hint')}
        />
        <span id={field('secret-hint')} className="settings-hint">
          {props.settings.hasClientSecret ? t('clientSecretSet') : t('clientSecretNone')}
        </span>
        {props.settings.hasClientSecret && (
          <label className="settings-check">
            <input type="checkbox" checked={form.removeSecret} onChange={(event) => set('removeSecret', event.target.checked)} />
            {t('clientSecretRemove')}
          </label>
        )}
      </div>
      <div className="settings-field">
        <label htmlFor={field('domains')}>{t('allowedDomains')}</label>
        <input id={field('domains')} value={form.allowedDomains} onChange={(event) => set('allowedDomains', event.target.value)} aria-describedby={field('domains-hint')} spellCheck={false} />
        <span id={field('domains-hint')} className="settings-hint">
          {t('allowedDomainsHint')}
        </span>
      </div>
      <div className="settings-field">
        <label htmlFor={field('claim')}>{t('groupsClaim')}</label>
        <input id={field('claim')} value={form.groupsClaim} onChange={(event) => set('groupsClaim', event.target.value)} aria-describedby={field('claim-hint')} spellCheck={false} />
        <span id={field('claim-hint')} className="settings-hint">
          {t('groupsClaimHint')}
        </span>
      </div>
      <div className="settings-field">
        <label htmlFor={field('groups')}>{t('groupRoles')}</label>
        <textarea
          id={field('groups')}
          rows={3}
          value={form.groupRoles}
          onChange={(event) => set('groupRoles', event.target.value)}
          aria-describedby={field('groups-hint')}
          aria-invalid={!groups.ok}
          spellCheck={false}
        />
        <span id={field('groups-hint')} className="settings-hint">
          {t('groupRolesHint')}
        </span>
        {!groups.ok && (
          <span className="settings-error" role="alert">
            {t(groups.problem, { line: groups.line })}
          </span>
        )}
      </div>
      <label className="settings-check">
        <input type="checkbox" checked={form.createMembers} onChange={(event) => set('createMembers', event.target.checked)} />
        {t('createMembers')}
      </label>
      {form.createMembers && (
        <div className="settings-field settings-indent">
          <label htmlFor={field('role')}>{t('defaultRole')}</label>
          <select id={field('role')} value={form.defaultRole} onChange={(event) => set('defaultRole', event.target.value as SsoForm['defaultRole'])}>
            <option value="viewer">{t('role.viewer')}</option>
            <option value="contributor">{t('role.contributor')}</option>
          </select>
        </div>
      )}
      <label className="settings-check">
        <input type="checkbox" checked={form.ssoRequired} onChange={(event) => set('ssoRequired', event.target.checked)} />
        {t('ssoRequired')}
      </label>
      {form.ssoRequired && (
        <fieldset className="settings-field settings-indent">
          <legend>{t('breakGlass')}</legend>
          <span className="settings-hint">{t('breakGlassHint')}</span>
          {admins.data?.length === 0 && <span className="settings-hint">{t('noAdmins')}</span>}
          {admins.data?.map((admin) => (
            <label key={admin.id} className="settings-check">
              <input
                type="checkbox"
                checked={form.breakGlassUserIds.includes(admin.id)}
                onChange={(event) => set('breakGlassUserIds', event.target.checked ? [...form.breakGlassUserIds, admin.id] : form.breakGlassUserIds.filter((userId) => userId !== admin.id))}
              />
              {admin.name} <span className="settings-hint">{admin.email}</span>
            </label>
          ))}
        </fieldset>
      )}
      <div className="settings-field">
        <label htmlFor={field('reason')}>{t('reason')}</label>
        <input id={field('reason')} value={form.reason} onChange={(event) => set('reason', event.target.value)} maxLength={2000} />
      </div>
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={save.isPending || !groups.ok}>
          {save.isPending ? t('saving') : t('save')}
        </button>
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          {test.isPending ? t('testing') : t('test')}
        </button>
        <span id={`${id}-status`} role="status" className="settings-status">
          {notice && t(notice)}
        </span>
      </div>
      <ErrorText error={save.error ?? test.error} />
      {test.data && <TestResult result={test.data} />}
    </form>
  );
}

/** What discovery found, each problem in words; the provider's endpoints when it got that far. */
function TestResult(props: { result: SsoTest }) {
  const t = useSettingsT();
  const { result } = props;
  return (
    <div className={result.ok ? 'settings-test settings-test-ok' : 'settings-test settings-test-failed'} role="status" data-testid="sso-test-result">
      {result.ok ? (
        <p>
          <span aria-hidden="true">✓ </span>
          {t('testOk', { issuer: result.issuer })}
        </p>
      ) : (
        <>
          <p>
            <span aria-hidden="true">⚠ </span>
            {t('testFailed')}
          </p>
          <ul>
            {result.problems.map((problem) => (
              <li key={problem.code} data-problem={problem.code}>
                {t(`problem.${problem.code}`)}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.provider && (
        <p className="settings-hint">
          {t('endpoints', { authorization: result.provider.authorizationEndpoint, keys: result.provider.jwksKeys, device: result.provider.deviceAuthorizationEndpoint ? t('deviceYes') : t('deviceNo') })}
        </p>
      )}
    </div>
  );
}
