import { useQuery } from '@tanstack/react-query';
import { hrefFor } from '../../../lib/router';
import { chainStatusQuery } from '../api/queries';
import { useAuditT } from '../messages';

const short = (hash: string) => (hash.length > 16 ? `${hash.slice(0, 12)}…` : hash);

/**
 * The state of the downloaded chain: verified up to seq N, partial (the grant shows only part
 * of the trail, so only links between visible events are checked), or the first broken link as
 * an alarm. A content change (hash mismatch) is an alarm even in a partial trail.
 */
export function ChainStatusBanner() {
  const t = useAuditT();
  const chain = useQuery(chainStatusQuery());
  if (chain.isPending) {
    return (
      <p className="chain-status chain-checking" role="status">
        {t('chainChecking')}
      </p>
    );
  }
  if (chain.error || !chain.data) {
    return (
      <p className="chain-status chain-error" role="alert">
        <span aria-hidden="true">⚠ </span>
        {t('chainError', { message: chain.error instanceof Error ? chain.error.message : '' })}
      </p>
    );
  }
  const status = chain.data;
  const broken = status.firstBreak;
  const alarm = broken && (status.complete || broken.reason === 'hash_mismatch');
  if (alarm) {
    const isHash = broken.reason !== 'seq_gap';
    return (
      <div className="chain-status chain-broken" role="alert" data-testid="chain-status">
        <span className="chain-icon" aria-hidden="true">
          ⛔
        </span>
        <div>
          <p className="chain-headline">{t('chainBroken', { seq: String(broken.seq), reason: t(`break_${broken.reason}`) })}</p>
          <p>
            {t('chainDetail', {
              seq: String(broken.seq),
              expected: isHash ? short(broken.expected) : broken.expected,
              actual: isHash ? short(broken.actual) : broken.actual,
            })}{' '}
            <a href={hrefFor('audit', String(broken.seq))}>{t('showBroken', { seq: String(broken.seq) })}</a>
          </p>
        </div>
      </div>
    );
  }
  if (status.checked === 0) {
    return (
      <p className="chain-status chain-empty" role="status" data-testid="chain-status">
        <span aria-hidden="true">○ </span>
        {t('chainEmpty')}
      </p>
    );
  }
  if (!status.complete) {
    return (
      <p className="chain-status chain-partial" role="status" data-testid="chain-status">
        <span aria-hidden="true">◐ </span>
        {t('chainPartial', { count: status.checked, seq: String(status.lastSeq) })}
      </p>
    );
  }
  return (
    <p className="chain-status chain-ok" role="status" data-testid="chain-status">
      <span aria-hidden="true">✓ </span>
      {t('chainOk', { seq: String(status.lastSeq), count: status.checked })}
    </p>
  );
}
