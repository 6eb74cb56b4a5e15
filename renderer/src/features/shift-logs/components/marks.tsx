import type { entrySeverities } from '../../../../../shared/domain/plant';
import { useShiftLogT } from '../messages';

type Severity = (typeof entrySeverities)[number];

/** A shape per severity, so the level reads without colour (and in greyscale prints). */
export const severityGlyphs: Record<Severity, string> = { info: '○', low: '▽', medium: '◆', high: '▲', critical: '✖' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  const t = useShiftLogT();
  return (
    <span className={`severity severity-${severity}`}>
      <span aria-hidden="true" className="severity-glyph">
        {severityGlyphs[severity]}
      </span>{' '}
      {t(`severity.${severity}`)}
    </span>
  );
}

/** Late, added/amended after sign-off, voided, waiting for sync: each a word with a glyph. */
export function EntryMarks(props: { late?: boolean; afterSignoff?: boolean; pending?: boolean; voided?: boolean }) {
  const t = useShiftLogT();
  return (
    <>
      {props.late && (
        <span className="mark mark-late">
          <span aria-hidden="true">◷</span> {t('mark.late')}
        </span>
      )}
      {props.afterSignoff && (
        <span className="mark mark-after-signoff">
          <span aria-hidden="true">✎</span> {t('mark.afterSignoff')}
        </span>
      )}
      {props.voided && (
        <span className="mark mark-voided">
          <span aria-hidden="true">⊘</span> {t('mark.voided')}
        </span>
      )}
      {props.pending && (
        <span className="mark mark-pending" data-testid="pending-mark">
          <span aria-hidden="true">↻</span> {t('mark.pending')}
        </span>
      )}
    </>
  );
}
