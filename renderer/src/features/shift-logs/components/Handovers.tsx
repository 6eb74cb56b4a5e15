import type { CallResponse } from '../../../../../shared/contract';
import { ErrorText } from '../../../components/QueryState';
import { useShiftLogWrite } from '../api/mutations';
import { useShiftLogT } from '../messages';
import { EntryMarks } from './marks';

type Handover = NonNullable<CallResponse<'shiftLogs.get'>>['handovers'][number];

/** The open items a handover carries, as text (stored as JSON: strings or `{ text }`). */
export function openItems(json: string): string[] {
  try {
    const items = JSON.parse(json) as unknown;
    return Array.isArray(items) ? items.map((item) => (typeof item === 'string' ? item : String((item as { text?: unknown }).text ?? ''))).filter(Boolean) : [];
  } catch {
    return [];
  }
}

/** Handovers the log gives or takes: open items carried over, each side's acknowledgement. */
export function Handovers(props: { shiftLogId: string; handovers: Handover[]; canAcknowledge: boolean; formatTime(iso: string): string; nameOf(id: string): string }) {
  const t = useShiftLogT();
  const acknowledge = useShiftLogWrite('handovers.acknowledge');
  if (props.handovers.length === 0) return null;
  return (
    <section aria-labelledby="handovers-title">
      <h2 id="handovers-title" tabIndex={-1}>{t('handover.title')}</h2>
      <ul className="handovers">
        {props.handovers.map((handover) => {
          const items = openItems(handover.open_items);
          const sides = [
            { side: 'outgoing' as const, by: handover.outgoing_ack_by, at: handover.outgoing_ack_at },
            { side: 'incoming' as const, by: handover.incoming_ack_by, at: handover.incoming_ack_at },
          ];
          return (
            <li key={handover.id} className="handover">
              <p className="entry-meta">
                <strong>{handover.from_shift_log_id === props.shiftLogId ? t('handover.gives') : t('handover.takes')}</strong>
                <EntryMarks pending={handover.pending_mutation_id !== null} />
              </p>
              {items.length > 0 ? (
                <ul className="handover-items" aria-label={t('handover.openItems')}>
                  {items.map((item, index) => (
                    <li key={index}>{item}</li>
                  ))}
                </ul>
              ) : (
                <p>{t('handover.noItems')}</p>
              )}
              {sides.map(({ side, by, at }) => (
                <p key={side} className="handover-ack">
                  {t(`handover.${side}`)}:{' '}
                  {by && at ? (
                    <>
                      <span aria-hidden="true">✔</span> {props.nameOf(by)}, {props.formatTime(at)}
                    </>
                  ) : (
                    <>
                      {t('handover.notAcknowledged')}{' '}
                      {props.canAcknowledge && (
                        <button type="button" className="small" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate({ handoverId: handover.id, side })}>
                          {t(`handover.acknowledge.${side}`)}
                        </button>
                      )}
                    </>
                  )}
                </p>
              ))}
            </li>
          );
        })}
      </ul>
      <ErrorText error={acknowledge.error} />
    </section>
  );
}
