import { useLocaleStore } from '../../../i18n/i18n';
import type { AuditEventView } from '../api/queries';
import { useAuditT } from '../messages';
import { recordShown } from './record-name';

/** The event's record by name, linked where the app has a screen for it; else the start of its id, said to be one. */
export function RecordName(props: { event: Pick<AuditEventView, 'entity' | 'entity_id' | 'record'> }) {
  const t = useAuditT();
  const locale = useLocaleStore((state) => state.locale);
  const shown = recordShown(props.event, locale);
  if (shown.kind === 'none') return null;
  if (shown.kind === 'id')
    return (
      <span className="mono muted record-id" title={t('recordUnnamed')}>
        {t('recordId', { id: shown.id })}
      </span>
    );
  return shown.href ? (
    <a href={shown.href} className="record-name">
      {shown.text}
    </a>
  ) : (
    <span className="record-name">{shown.text}</span>
  );
}

/** Plain text of the same, for a title. */
export function useRecordText() {
  const t = useAuditT();
  const locale = useLocaleStore((state) => state.locale);
  return (event: Pick<AuditEventView, 'entity' | 'entity_id' | 'record'>) => {
    const shown = recordShown(event, locale);
    return shown.kind === 'named' ? shown.text : shown.kind === 'id' ? `${t('recordId', { id: shown.id })}. ${t('recordUnnamed')}` : '';
  };
}
