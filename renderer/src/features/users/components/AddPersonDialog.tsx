import { useId, useState, type FormEvent } from 'react';
import { orgRolePresets as roles } from '../../../../../shared/rbac';
import { Dialog } from '../../../components/Dialog';
import { useCommonT } from '../../../components/messages';
import { useCreatePerson } from '../api/queries';
import { useErrorText } from '../hooks/useErrorText';
import { useUsersT } from '../messages';
import { EnrolmentLinkNotice } from './EnrolmentLinkNotice';

/** Adds a person to the organisation; the answer is the enrolment link to hand them, shown once. */
export function AddPersonDialog(props: { open: boolean; onClose(): void }) {
  const t = useUsersT();
  const common = useCommonT();
  const errorText = useErrorText();
  const id = useId();
  const create = useCreatePerson();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<(typeof roles)[number]>('viewer');
  const close = () => {
    setEmail('');
    setDisplayName('');
    setRole('viewer');
    create.reset();
    props.onClose();
  };
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ email: email.trim(), displayName: displayName.trim(), role });
  }
  return (
    <Dialog open={props.open} title={t('addPerson.title')} description={t('addPerson.lede')} onClose={close}>
      {create.data ? (
        <>
          <EnrolmentLinkNotice name={displayName.trim()} link={create.data.enrolment.link} expiresAt={create.data.enrolment.expiresAt} />
          <div className="people-dialog-actions">
            <button type="button" className="primary" onClick={close} autoFocus>
              {t('addPerson.done')}
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} className="people-form">
          <label htmlFor={`${id}-name`}>{t('addPerson.name')}</label>
          <input id={`${id}-name`} required maxLength={200} value={displayName} onChange={(event) => setDisplayName(event.target.value)} />
          <label htmlFor={`${id}-email`}>{t('addPerson.email')}</label>
          <input id={`${id}-email`} type="email" required maxLength={320} value={email} onChange={(event) => setEmail(event.target.value)} />
          <label htmlFor={`${id}-role`}>{t('addPerson.role')}</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as (typeof roles)[number])}>
            {roles.map((value) => (
              <option key={value} value={value}>
                {t(`role_${value}`)}
              </option>
            ))}
          </select>
          {create.error ? (
            <p className="error" role="alert">
              <span aria-hidden="true">⚠ </span>
              {errorText(create.error)}
            </p>
          ) : null}
          <div className="people-dialog-actions">
            <button type="button" onClick={close}>
              {common('cancel')}
            </button>
            <button type="submit" className="primary" disabled={create.isPending}>
              {create.isPending ? t('saving') : t('addPerson.submit')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
