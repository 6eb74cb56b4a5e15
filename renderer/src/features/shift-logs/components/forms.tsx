import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { PlantdeskError } from '../../../../../shared/errors';
import { amendmentKinds, entryCategories, entrySeverities, signoffMeanings } from '../../../../../shared/domain/plant';
import { isLateEntry, LogEntryAmendFields, mutationSpecs } from '../../../../../shared/mutations';
import { Dialog } from '../../../components/Dialog';
import { ErrorText } from '../../../components/QueryState';
import { useCommonT } from '../../../components/messages';
import { useShiftLogWrite } from '../api/mutations';
import { useSiteTime } from '../../../workstation/site-time';
import { defaultOccurredAt, zonedLocalToIso } from '../hooks/zoned-time';
import { useShiftLogT } from '../messages';

type Severity = (typeof entrySeverities)[number];
type Category = (typeof entryCategories)[number];
type AmendmentKind = (typeof amendmentKinds)[number];
type Meaning = (typeof signoffMeanings)[number];

/** The first zod issue as a typed error, shown the same way as a refusal from the core. */
function invalid(issues: { message: string; path: PropertyKey[] }[]): PlantdeskError {
  const issue = issues[0];
  const field = issue.path.map(String).join('.');
  return new PlantdeskError('invalid_request', field ? `${field}: ${issue.message}` : issue.message);
}

function Field(props: { label: string; children: (id: string) => ReactNode; hint?: string }) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small className="hint">{props.hint}</small>}
    </div>
  );
}

function FormButtons(props: { submitLabel: string; busy: boolean; onCancel(): void }) {
  const common = useCommonT();
  return (
    <div className="form-buttons">
      <button type="button" onClick={props.onCancel}>
        {common('cancel')}
      </button>
      <button type="submit" className="primary" disabled={props.busy}>
        {props.submitLabel}
      </button>
    </div>
  );
}

export function AddEntryDialog(props: { open: boolean; onClose(): void; shiftLog: { id: string; area_id: string; starts_at: string; ends_at: string } }) {
  const t = useShiftLogT();
  const timeZone = useSiteTime().zoneOf(props.shiftLog.area_id);
  const write = useShiftLogWrite('logEntries.create');
  const [category, setCategory] = useState<Category>('operations');
  const [severity, setSeverity] = useState<Severity>('info');
  const [equipmentTag, setEquipmentTag] = useState('');
  const [body, setBody] = useState('');
  // Null until the person picks a time: the default follows the clock while the dialog is open.
  const [chosenOccurredAt, setOccurredAt] = useState<string | null>(null);
  const occurredAt = chosenOccurredAt ?? defaultOccurredAt(new Date(), props.shiftLog, timeZone);
  const [lateReason, setLateReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  // The same rule the core and server apply: recorded after the shift's end plus grace.
  const late = isLateEntry(new Date(), props.shiftLog.ends_at);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = {
      shiftLogId: props.shiftLog.id,
      areaId: props.shiftLog.area_id,
      category,
      severity,
      equipmentTag: equipmentTag.trim() === '' ? null : equipmentTag.trim(),
      body,
      occurredAt: zonedLocalToIso(occurredAt, timeZone) ?? occurredAt,
      lateReason: late ? lateReason : null,
    };
    const parsed = mutationSpecs['logEntry.create'].args.omit({ id: true }).safeParse(request);
    if (!parsed.success) return setError(invalid(parsed.error.issues));
    setError(null);
    write.mutate(request, {
      onSuccess: () => {
        setBody('');
        setLateReason('');
        setOccurredAt(null);
        props.onClose();
      },
      onError: setError,
    });
  };

  return (
    <Dialog open={props.open} title={t('add.title')} onClose={props.onClose}>
      <form onSubmit={submit} className="action-form">
        <Field label={t('add.category')}>
          {(id) => (
            <select id={id} value={category} onChange={(event) => setCategory(event.target.value as Category)}>
              {entryCategories.map((value) => (
                <option key={value} value={value}>
                  {t(`category.${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('add.severity')}>
          {(id) => (
            <select id={id} value={severity} onChange={(event) => setSeverity(event.target.value as Severity)}>
              {entrySeverities.map((value) => (
                <option key={value} value={value}>
                  {t(`severity.${value}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('add.equipmentTag')}>{(id) => <input id={id} value={equipmentTag} onChange={(event) => setEquipmentTag(event.target.value)} />}</Field>
        <Field label={t('add.occurredAt')} hint={t('add.zoneHint', { zone: timeZone })}>
          {(id) => <input id={id} type="datetime-local" value={occurredAt} onChange={(event) => setOccurredAt(event.target.value)} />}
        </Field>
        <Field label={t('add.body')}>{(id) => <textarea id={id} rows={4} value={body} onChange={(event) => setBody(event.target.value)} />}</Field>
        {late && (
          <Field label={t('add.lateReason')} hint={t('add.lateHint')}>
            {(id) => <textarea id={id} rows={2} value={lateReason} onChange={(event) => setLateReason(event.target.value)} />}
          </Field>
        )}
        <ErrorText error={error} />
        <FormButtons submitLabel={t('add.submit')} busy={write.isPending} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

export function AmendDialog(props: { entry: { id: string; body: string; severity: Severity } | null; onClose(): void }) {
  const t = useShiftLogT();
  const write = useShiftLogWrite('logEntries.amend');
  const [kind, setKind] = useState<AmendmentKind>('correction');
  const [body, setBody] = useState('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setBody('');
    setReason('');
    setSeverity('');
    setKind('correction');
    setError(null);
    props.onClose();
  };
  if (!props.entry) return null;
  const entry = props.entry;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = {
      entryId: entry.id,
      kind,
      body: kind === 'void' || body.trim() === '' ? null : body,
      fieldsChanged: kind === 'correction' && severity !== '' ? { severity } : null,
      reason,
    };
    const parsed = LogEntryAmendFields.omit({ id: true }).safeParse(request);
    if (!parsed.success) return setError(invalid(parsed.error.issues));
    if (kind !== 'void' && request.body === null && request.fieldsChanged === null) return setError(new PlantdeskError('invalid_request', t('amend.needsChange')));
    setError(null);
    write.mutate(request, { onSuccess: close, onError: setError });
  };

  return (
    <Dialog open title={t('amend.title')} onClose={close}>
      <form onSubmit={submit} className="action-form">
        <blockquote className="amend-original">{entry.body}</blockquote>
        <fieldset className="radio-row">
          <legend>{t('amend.kind')}</legend>
          {amendmentKinds.map((value) => (
            <label key={value}>
              <input type="radio" name="amend-kind" value={value} checked={kind === value} onChange={() => setKind(value)} /> {t(`amendment.${value}`)}
            </label>
          ))}
        </fieldset>
        {kind !== 'void' && (
          <Field label={kind === 'correction' ? t('amend.correctedText') : t('amend.addedText')}>
            {(id) => <textarea id={id} rows={3} value={body} onChange={(event) => setBody(event.target.value)} />}
          </Field>
        )}
        {kind === 'correction' && (
          <Field label={t('amend.severity')}>
            {(id) => (
              <select id={id} value={severity} onChange={(event) => setSeverity(event.target.value as Severity | '')}>
                <option value="">{t('amend.unchanged')}</option>
                {entrySeverities.map((value) => (
                  <option key={value} value={value}>
                    {t(`severity.${value}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={t('amend.reason')}>{(id) => <textarea id={id} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />}</Field>
        <ErrorText error={error} />
        <FormButtons submitLabel={t('amend.submit')} busy={write.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}

type Status = 'open' | 'submitted' | 'reviewed' | 'signed';

/**
 * Meanings a log in this status can take (the server's transition table decides; the dialog
 * only offers what it would accept): reviewed needs a submitted log, approved a submitted or
 * reviewed one; a handover signature changes no status.
 */
export function meaningsFor(status: Status): Meaning[] {
  const transitions: Record<Meaning, Status[] | null> = { reviewed: ['submitted'], approved: ['submitted', 'reviewed'], handed_over: null, accepted: null };
  return signoffMeanings.filter((meaning) => transitions[meaning] === null || transitions[meaning].includes(status));
}

/** States in words what the signature means, and asks for the password again; a wrong one keeps the dialog open. */
export function SignOffDialog(props: { open: boolean; onClose(): void; shiftLogId: string; status: Status; signerName: string }) {
  const t = useShiftLogT();
  const write = useShiftLogWrite('shiftLogs.signOff');
  const offered = meaningsFor(props.status);
  const [chosen, setMeaning] = useState<Meaning | null>(null);
  const meaning = chosen !== null && offered.includes(chosen) ? chosen : offered[0];
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    setPassword('');
    setError(null);
    props.onClose();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password === '') return setError(new PlantdeskError('invalid_request', t('signoff.passwordRequired')));
    setError(null);
    write.mutate(
      { shiftLogId: props.shiftLogId, meaning, password },
      {
        onSuccess: close,
        onError: (refusal) => {
          setPassword('');
          setError(refusal);
        },
      },
    );
  };
  return (
    <Dialog open={props.open} title={t('signoff.title')} onClose={close}>
      <form onSubmit={submit} className="action-form">
        <fieldset className="radio-column">
          <legend>{t('signoff.meaning')}</legend>
          {offered.map((value) => (
            <label key={value}>
              <input type="radio" name="signoff-meaning" value={value} checked={meaning === value} onChange={() => setMeaning(value)} /> {t(`meaning.${value}`)}
            </label>
          ))}
        </fieldset>
        <p className="signoff-statement" data-testid="signoff-statement">
          {t(`meaningStatement.${meaning}`, { name: props.signerName })}
        </p>
        <Field label={t('signoff.password')}>
          {(id) => <input id={id} type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} />}
        </Field>
        <ErrorText error={error} />
        <FormButtons submitLabel={t('signoff.submit')} busy={write.isPending} onCancel={close} />
      </form>
    </Dialog>
  );
}

export function ReopenDialog(props: { open: boolean; onClose(): void; shiftLogId: string }) {
  const t = useShiftLogT();
  const write = useShiftLogWrite('shiftLogs.reopen');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = mutationSpecs['shiftLog.reopen'].args.safeParse({ shiftLogId: props.shiftLogId, reason });
    if (!parsed.success) return setError(invalid(parsed.error.issues));
    write.mutate({ shiftLogId: props.shiftLogId, reason }, { onSuccess: props.onClose, onError: setError });
  };
  return (
    <Dialog open={props.open} title={t('reopen.title')} description={t('reopen.description')} onClose={props.onClose}>
      <form onSubmit={submit} className="action-form">
        <Field label={t('reopen.reason')}>{(id) => <textarea id={id} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />}</Field>
        <ErrorText error={error} />
        <FormButtons submitLabel={t('reopen.submit')} busy={write.isPending} onCancel={props.onClose} />
      </form>
    </Dialog>
  );
}

/** A comment on the whole log, or (with entryId) on one of its entries. */
export function CommentForm(props: { shiftLogId: string; entryId?: string; onDone?: () => void }) {
  const t = useShiftLogT();
  const write = useShiftLogWrite('comments.create');
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const request = { shiftLogId: props.shiftLogId, entryId: props.entryId ?? null, body };
    const parsed = mutationSpecs['comment.create'].args.omit({ id: true }).safeParse(request);
    if (!parsed.success) return setError(invalid(parsed.error.issues));
    write.mutate(request, {
      onSuccess: () => {
        setBody('');
        props.onDone?.();
      },
      onError: setError,
    });
  };
  return (
    <form onSubmit={submit} className="comment-form">
      <Field label={t(props.entryId ? 'comment.entryLabel' : 'comment.label')}>
        {(id) => <textarea id={id} rows={2} value={body} onChange={(event) => setBody(event.target.value)} />}
      </Field>
      <ErrorText error={error} />
      <button type="submit" disabled={write.isPending}>
        {t('comment.submit')}
      </button>
    </form>
  );
}
