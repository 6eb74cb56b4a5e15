import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef } from 'react';
import { QueryState } from '../../../components/QueryState';
import { usePaletteActions } from '../../../lib/palette';
import { navigate, useRoute } from '../../../lib/router';
import { exportKeys } from '../api/queries';
import { useExportableModules } from '../hooks/export-access';
import { exportFormats, isExportModule, type ExportModule } from '../../../../../shared/exports';
import { exportQueryFor, exportSelectionFromQuery, type ExportFilter } from '../hooks/export-filter';
import { useExportRun } from '../hooks/export-run';
import { useExportsT } from '../messages';
import { ExportHistory } from './ExportHistory';
import { ExportRunStatus } from './ExportRunStatus';
import { FilterFields, FilterSummary } from './ExportFilterFields';
import { useExportFormStore } from '../hooks/export-form';
import { useAreas } from '../../../workstation/areas';
import { useFirstSync } from '../../../workstation/first-sync';
import { sessionStatusQuery } from '../../../workstation/session';
import { useSiteTime } from '../../../workstation/site-time';
import '../exports.css';

/**
 * Exports: which records, which of them (the filter comes in the URL,
 * e.g. from "Export this view" on the shift logs), which format; the host's save dialog asks
 * where; progress with cancel; the result with its SHA-256; the history of this workstation.
 */
export function ExportsScreen() {
  const t = useExportsT();
  const route = useRoute();
  const queryClient = useQueryClient();
  const exportable = useExportableModules();
  const areas = useAreas();
  const session = useQuery(sessionStatusQuery());
  // Until the first sync has finished, the cache holds only what it has brought so far.
  const firstSync = useFirstSync();
  // Exports belong to the tenant, not one area: their times are in the tenant's zone.
  const timeZone = useSiteTime().tenantZone;
  const run = useExportRun();
  const form = useExportFormStore();
  const formatGroup = useId();

  const asked = route.query.get('module');
  const module: ExportModule | undefined = isExportModule(asked) && exportable.modules.includes(asked) ? asked : exportable.modules[0];
  const selection = module ? exportSelectionFromQuery(module, route.query) : null;
  const filter: ExportFilter = selection?.filter ?? {};
  const cameWithFilter = Object.keys(filter).length > 0;

  const setModule = (next: ExportModule) => navigate('exports', null, exportQueryFor(next, {}), { replace: true });
  const setFilter = (next: ExportFilter) => module && navigate('exports', null, exportQueryFor(module, next), { replace: true });
  const start = () => {
    if (!selection || run.status === 'running') return;
    void run.start({ ...selection, format: form.format, bom: form.format === 'csv' && form.bom }, () => {
      void queryClient.invalidateQueries({ queryKey: exportKeys.all });
    });
  };
  // The palette (Ctrl+K) starts the export as the form stands, as the Export… button does.
  // The registered action calls the latest start, so it exports the form as it stands then.
  const startRef = useRef(start);
  useEffect(() => {
    startRef.current = start;
  });
  usePaletteActions(useMemo(() => (module ? [{ id: 'exports.start', label: t('paletteStart'), run: () => startRef.current() }] : []), [t, module, startRef]));

  return (
    <section className="exports-screen" aria-labelledby="screen-title">
      <header className="exports-header">
        <h1 id="screen-title">{t('title')}</h1>
        <p className="exports-intro">{t('intro')}</p>
      </header>
      <QueryState isPending={exportable.isPending} error={exportable.error} onRetry={exportable.refetch}>
        {!module ? (
          <p className="state state-error state-forbidden" role="alert" data-error-code="forbidden">
            {t('forbidden')}
          </p>
        ) : (
          <>
            {session.data && !session.data.online && (
              <p className="exports-note" role="status">
                {t('offlineNote')}
              </p>
            )}
            {firstSync && (
              <p className="exports-note" role="status">
                {t('firstSyncNote')}
              </p>
            )}
            <form
              className="exports-form"
              onSubmit={(event) => {
                event.preventDefault();
                start();
              }}
            >
              <fieldset className="exports-group">
                <legend>{t('moduleLabel')}</legend>
                <div className="exports-options">
                  {exportable.modules.map((candidate) => (
                    <label key={candidate}>
                      <input type="radio" name="export-module" value={candidate} checked={candidate === module} onChange={() => setModule(candidate)} disabled={run.status === 'running'} />
                      {t(`module.${candidate}`)}
                    </label>
                  ))}
                </div>
              </fieldset>

              <fieldset className="exports-group">
                <legend>{t('filterLegend')}</legend>
                <div className="exports-summary-row">
                  <FilterSummary filter={filter} areas={areas.data} timeZone={timeZone} />
                  {cameWithFilter && (
                    <button type="button" className="exports-link-button" onClick={() => setFilter({})}>
                      {t('clearFilter')}
                    </button>
                  )}
                </div>
                <FilterFields module={module} filter={filter} onChange={setFilter} />
              </fieldset>

              <fieldset className="exports-group">
                <legend>{t('formatLegend')}</legend>
                <div className="exports-options">
                  {exportFormats.map((format) => (
                    <label key={format}>
                      <input type="radio" name="export-format" value={format} checked={form.format === format} onChange={() => form.setFormat(format)} />
                      {t(`format.${format}`)}
                    </label>
                  ))}
                </div>
                {form.format === 'csv' && (
                  <div className="exports-bom">
                    <label className="exports-check">
                      <input type="checkbox" checked={form.bom} onChange={(event) => form.setBom(event.target.checked)} aria-describedby={`${formatGroup}-bom`} />
                      {t('bom')}
                    </label>
                    <span id={`${formatGroup}-bom`} className="exports-help">
                      {t('bomHelp')}
                    </span>
                  </div>
                )}
                <p className="exports-help">{t('neutralisation')}</p>
              </fieldset>

              <div className="exports-actions">
                <button type="submit" className="button-primary" disabled={run.status === 'running'}>
                  {run.status === 'running' ? t('running') : t('start')}
                </button>
              </div>
            </form>
            <ExportRunStatus />
            <ExportHistory timeZone={timeZone} areas={areas.data} />
          </>
        )}
      </QueryState>
    </section>
  );
}
