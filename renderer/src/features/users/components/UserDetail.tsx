import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { moduleNames, orgRolePresets, type ModuleFlags } from '../../../../../shared/rbac';
import { QueryState } from '../../../components/QueryState';
import type { Permissions } from '../../../workstation/access';
import { useAreas } from '../../../workstation/areas';
import { sessionStatusQuery } from '../../../workstation/session';
import { userQuery, useResetSignIn, useUnlockUser, useUpdateUser, type UserPatch, type UserView } from '../api/queries';
import { useErrorText } from '../hooks/useErrorText';
import { useUsersT } from '../messages';
import { AreaTreeEditor } from './AreaTreeEditor';
import { ConfirmDialog } from './ConfirmDialog';
import { ReasonDialog } from './ReasonDialog';
import { EnrolmentLinkNotice } from './EnrolmentLinkNotice';
import { EraseUserDialog } from './EraseUserDialog';
import { UserSessions } from './UserSessions';
import { LastSignIn } from './LastSignIn';
import { statusGlyph, userAreas, userModules } from './user-fields';

/** The panel of one person: access (role, areas, modules), status, erasure and sessions. */
export function UserDetail(props: { userId: string; permissions: Permissions; closeHref: string }) {
  const t = useUsersT();
  const user = useQuery(userQuery(props.userId));
  // Unknown (still asking) counts as online: the core answers needs_connection anyway.
  const offline = useQuery(sessionStatusQuery()).data?.online === false;
  const offlineNoteId = useId();
  const canManage = props.permissions.can('manage', 'user');
  const canRevoke = props.permissions.can('revoke', 'session');
  const data = user.data;
  return (
    <aside className="people-detail" aria-labelledby="user-detail-title">
      <header className="people-detail-header">
        <h2 id="user-detail-title">{data ? data.display_name : t('title')}</h2>
        <a className="people-close" href={props.closeHref} aria-label={t('closeDetail')}>
          ×
        </a>
      </header>
      <QueryState isPending={user.isPending} error={user.error} isEmpty={!data} emptyText={t('notFound')} onRetry={() => void user.refetch()}>
        {data && (
          <>
            <dl className="people-facts">
              <dt>{t('colEmail')}</dt>
              <dd>{data.email}</dd>
              <dt>{t('colStatus')}</dt>
              <dd>
                <span className={`user-status user-status-${data.status}`}>
                  <span aria-hidden="true">{statusGlyph[data.status]}</span> {t(`status_${data.status}`)}
                </span>
              </dd>
              <dt>{t('lastSignIn')}</dt>
              <dd>
                <LastSignIn at={data.last_sign_in_at} />
              </dd>
            </dl>
            {offline && (canManage || canRevoke) && (
              <p id={offlineNoteId} className="people-offline" role="status">
                <span aria-hidden="true">⚠ </span>
                {t('offlineBanner')}
              </p>
            )}
            {data.status === 'erased' ? (
              <p className="notice">{t('erased')}</p>
            ) : (
              <>
                <AccessForm key={`${data.id}:${data.version}`} user={data} canManage={canManage} offline={offline} offlineNoteId={offlineNoteId} />
                {canManage && <StatusActions user={data} offline={offline} offlineNoteId={offlineNoteId} />}
              </>
            )}
            <UserSessions user={data} canRevoke={canRevoke} offline={offline} offlineNoteId={offlineNoteId} />
          </>
        )}
      </QueryState>
    </aside>
  );
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

/** Role, areas and module flags; saves only what changed, with an optional reason. */
function AccessForm(props: { user: UserView; canManage: boolean; offline: boolean; offlineNoteId: string }) {
  const t = useUsersT();
  const errorText = useErrorText();
  const areas = useAreas();
  const update = useUpdateUser();
  const initialRole = props.user.org_role;
  const initialAreas = new Set(userAreas(props.user));
  const initialModules = userModules(props.user);
  const [role, setRole] = useState<string>(initialRole ?? '');
  const [areaIds, setAreaIds] = useState<Set<string>>(initialAreas);
  const [modules, setModules] = useState<ModuleFlags>(initialModules);
  const [reason, setReason] = useState('');
  const roleId = useId();
  const reasonId = useId();
  const areasHintId = useId();
  const readOnly = !props.canManage;
  const disabled = readOnly || props.offline;

  const patch: UserPatch = {};
  if (role !== (initialRole ?? '') && (orgRolePresets as readonly string[]).includes(role)) patch.role = role as (typeof orgRolePresets)[number];
  if (!sameSet(areaIds, initialAreas)) patch.areas = [...areaIds];
  if (moduleNames.some((name) => modules[name] !== initialModules[name])) patch.moduleFlags = modules;
  const dirty = Object.keys(patch).length > 0;
  if (reason.trim()) patch.reason = reason.trim();

  return (
    <form
      className="people-section people-form"
      aria-labelledby="user-access-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (dirty && !disabled) update.mutate({ userId: props.user.id, patch }, { onSuccess: () => setReason('') });
      }}
    >
      <h3 id="user-access-title">{t('accessSection')}</h3>
      {readOnly && <p className="hint">{t('readOnly')}</p>}
      <label htmlFor={roleId}>{t('roleLabel')}</label>
      <select id={roleId} value={role} disabled={disabled} aria-describedby={props.offline ? props.offlineNoteId : undefined} onChange={(event) => setRole(event.target.value)}>
        {initialRole === null && <option value="">{t('role_none')}</option>}
        {initialRole === 'custom' && (
          <option value="custom" disabled>
            {t('role_custom')}
          </option>
        )}
        {orgRolePresets.map((value) => (
          <option key={value} value={value}>
            {t(`role_${value}`)}
          </option>
        ))}
      </select>
      {initialRole === 'custom' && <p className="hint">{t('customRoleNote')}</p>}
      <fieldset className="areas-fieldset" disabled={disabled}>
        <legend>{t('areasLabel')}</legend>
        <p id={areasHintId} className="hint">
          {t('areasHint')}
        </p>
        {areas.data ? (
          <div className="area-tree-box">
            <AreaTreeEditor areas={areas.data} selected={areaIds} disabled={disabled} onChange={setAreaIds} describedBy={areasHintId} />
          </div>
        ) : (
          <p className="hint">{t('areasLoading')}</p>
        )}
      </fieldset>
      <fieldset className="modules-fieldset" disabled={disabled}>
        <legend>{t('modulesLabel')}</legend>
        {moduleNames.map((name) => (
          <label key={name} className="people-check">
            <input type="checkbox" checked={modules[name]} onChange={(event) => setModules({ ...modules, [name]: event.target.checked })} /> {t(`module_${name}`)}
          </label>
        ))}
      </fieldset>
      {props.canManage && (
        <>
          <label htmlFor={reasonId}>{t('reasonLabel')}</label>
          <input id={reasonId} value={reason} maxLength={500} disabled={disabled} onChange={(event) => setReason(event.target.value)} />
          <div className="people-actions">
            <button type="submit" className="primary" disabled={disabled || !dirty || update.isPending} aria-describedby={props.offline ? props.offlineNoteId : undefined}>
              {update.isPending ? t('saving') : t('save')}
            </button>
            {/* Where the eye is after pressing Save: beside the button, announced politely. */}
            <span role="status" className="people-saved">
              {update.isSuccess ? (
                <>
                  <span aria-hidden="true">✓ </span>
                  {t('saved')}
                </>
              ) : !dirty ? (
                <span className="hint">{t('noChanges')}</span>
              ) : null}
            </span>
          </div>
          {update.error ? (
            <p className="error" role="alert" data-error-code={(update.error as { code?: string }).code}>
              <span aria-hidden="true">⚠ </span>
              {errorText(update.error)}
            </p>
          ) : null}
        </>
      )}
    </form>
  );
}

type Done = { kind: 'status'; status: 'active' | 'deactivated' } | { kind: 'unlocked' } | { kind: 'reset' };

/**
 * Deactivate / reactivate (confirmed), reset sign-in (reason and the email typed back), unlock
 * (optional reason) and erase (typed confirmation). What a finished action did is said beside
 * these buttons, where focus returns when its dialog closes.
 */
function StatusActions(props: { user: UserView; offline: boolean; offlineNoteId: string }) {
  const t = useUsersT();
  const update = useUpdateUser();
  const reset = useResetSignIn();
  const unlock = useUnlockUser();
  const [open, setOpen] = useState<'status' | 'reset' | 'unlock' | 'erase' | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const active = props.user.status === 'active';
  const name = props.user.display_name;
  const blocked = props.offline ? props.offlineNoteId : undefined;
  const start = (which: 'status' | 'reset' | 'unlock' | 'erase') => {
    setDone(null);
    // A link already shown stays until a new reset replaces it: it is shown only once.
    if (which === 'reset') reset.reset();
    setOpen(which);
  };
  const close = () => {
    update.reset();
    unlock.reset();
    if (!reset.data) reset.reset();
    setOpen(null);
  };
  const doneText =
    done?.kind === 'status' ? t(`statusSaved_${done.status}`, { name }) : done?.kind === 'unlocked' ? t('unlocked', { name }) : done?.kind === 'reset' ? t('resetDone', { name }) : null;
  return (
    <section className="people-section" aria-labelledby="user-status-title">
      <h3 id="user-status-title">{t('statusSection')}</h3>
      <div className="people-actions">
        <button type="button" disabled={props.offline} aria-describedby={blocked} onClick={() => start('status')}>
          {active ? t('deactivate') : t('reactivate')}
        </button>
        {active && (
          <button type="button" disabled={props.offline} aria-describedby={blocked} onClick={() => start('reset')}>
            {t('resetSignIn')}
          </button>
        )}
        {active && (
          <button type="button" disabled={props.offline} aria-describedby={blocked} onClick={() => start('unlock')}>
            {t('unlockAccount')}
          </button>
        )}
        <button type="button" className="danger" disabled={props.offline} aria-describedby={blocked} onClick={() => start('erase')}>
          {t('erase')}
        </button>
      </div>
      <p role="status" className="people-saved">
        {doneText && (
          <>
            <span aria-hidden="true">✓ </span>
            {doneText}
          </>
        )}
      </p>
      {reset.data && <EnrolmentLinkNotice name={name} link={reset.data.enrolment.link} expiresAt={reset.data.enrolment.expiresAt} />}
      <ReasonDialog
        open={open === 'reset'}
        title={t('resetTitle', { name })}
        text={t('resetText')}
        confirmLabel={t('resetSignIn')}
        reasonLabel={t('resetReasonLabel')}
        reasonRequired
        typed={{ expected: props.user.email, label: t('resetTypeLabel', { email: props.user.email }), gate: t('resetGate') }}
        danger
        pending={reset.isPending}
        error={reset.error}
        onConfirm={(reason) =>
          reset.mutate(
            { userId: props.user.id, reason },
            {
              onSuccess: () => {
                setOpen(null);
                setDone({ kind: 'reset' });
              },
            },
          )
        }
        onClose={close}
      />
      <ReasonDialog
        open={open === 'unlock'}
        title={t('unlockTitle', { name })}
        text={t('unlockText', { name })}
        confirmLabel={t('unlockAccount')}
        reasonLabel={t('unlockReasonLabel')}
        reasonRequired={false}
        pending={unlock.isPending}
        error={unlock.error}
        onConfirm={(reason) =>
          unlock.mutate(
            { userId: props.user.id, ...(reason ? { reason } : {}) },
            {
              onSuccess: () => {
                close();
                setDone({ kind: 'unlocked' });
              },
            },
          )
        }
        onClose={close}
      />
      <ConfirmDialog
        open={open === 'status'}
        title={active ? t('deactivateTitle', { name }) : t('reactivateTitle', { name })}
        text={active ? t('deactivateText') : t('reactivateText')}
        confirmLabel={active ? t('deactivate') : t('reactivate')}
        danger={active}
        pending={update.isPending}
        error={update.error}
        onConfirm={() => {
          const status = active ? 'deactivated' : 'active';
          update.mutate(
            { userId: props.user.id, patch: { status } },
            {
              onSuccess: () => {
                close();
                setDone({ kind: 'status', status });
              },
            },
          );
        }}
        onClose={close}
      />
      <EraseUserDialog user={props.user} open={open === 'erase'} onClose={close} />
    </section>
  );
}
