import { PlantdeskError } from '../../../../../shared/errors';
import { formatBytes, formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { useExportRun } from '../hooks/export-run';
import { useExportsT } from '../messages';
import { CopyButton } from './CopyButton';
import { ExportErrorText } from './ExportErrorText';

/** The export under way (progress with cancel) or the last one's outcome. */
export function ExportRunStatus() {
  const t = useExportsT();
  const locale = useLocaleStore((state) => state.locale);
  const run = useExportRun();

  if (run.status === 'running') {
    const progress = run.progress;
    const done = progress?.rowsDone ?? 0;
    const total = progress?.rowsTotal ?? null;
    const bytes = formatBytes(progress?.bytesWritten ?? 0, locale);
    const text =
      total === null
        ? t('progressRowsOpen', { done: formatNumber(done, locale), bytes })
        : t('progressRows', { done: formatNumber(done, locale), total: formatNumber(total, locale), bytes });
    return (
      <div className="exports-run" data-testid="export-progress">
        {/* Without a known total the bar is indeterminate; the text always says how far it got. */}
        <progress aria-label={t('progressLabel')} aria-valuetext={text} max={total ?? undefined} value={total === null ? undefined : done} />
        <span className="exports-run-text" aria-live="polite">
          {text}
        </span>
        <button type="button" onClick={() => void run.cancel()}>
          {t('cancel')}
        </button>
        <ExportErrorText error={run.error} />
      </div>
    );
  }
  if (run.status === 'dialog_cancelled') {
    return (
      <p className="exports-run" role="status">
        {t('dialogCancelled')}
      </p>
    );
  }
  if (run.status === 'failed') {
    const code = run.error instanceof PlantdeskError ? run.error.code : 'internal';
    return (
      <div className={`exports-run exports-run-${code === 'export_cancelled' ? 'cancelled' : 'failed'}`}>
        <ExportErrorText error={run.error} />
      </div>
    );
  }
  if (run.status === 'done' && run.result) {
    const { result } = run;
    return (
      <div className="exports-run exports-result" role="status" data-testid="export-result">
        <p>{t('resultLine', { rows: t('rowsCount', { count: result.rows }), path: result.path, size: formatBytes(result.bytes, locale) })}</p>
        <p className="exports-hash">
          <span>{t('sha256')}</span> <code data-testid="export-sha256">{result.sha256}</code> <CopyButton value={result.sha256} label={t('copyHash', { path: result.path })} />
        </p>
      </div>
    );
  }
  return null;
}
