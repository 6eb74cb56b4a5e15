import { useQuery } from '@tanstack/react-query';
import { entrySeverities } from '../../../../../shared/domain/plant';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { QueryState } from '../../../components/QueryState';
import { formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { statsQuery } from '../api/queries';
import { useShiftLogT } from '../messages';
import { severityGlyphs } from './marks';

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  while (cursor <= end && days.length < 62) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

const width = 620;
const height = 110;

/** Entries per shift date by severity for the current filter: stacked bars, with the same numbers as a table. */
export function StatsChart({ filter }: { filter: ShiftLogFilterInput }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const query = useQuery(statsQuery(filter));
  const stats = query.data;
  const days = stats?.from && stats.to ? daysBetween(stats.from, stats.to) : [];
  const counts = new Map<string, Partial<Record<(typeof entrySeverities)[number], number>>>();
  for (const row of stats?.days ?? []) counts.set(row.day, { ...counts.get(row.day), [row.severity]: row.count });
  const totals = days.map((day) => Object.values(counts.get(day) ?? {}).reduce((sum, count) => sum + (count ?? 0), 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((sum, count) => sum + count, 0);
  const bySeverity = entrySeverities.map((severity) => ({ severity, count: (stats?.days ?? []).filter((row) => row.severity === severity).reduce((sum, row) => sum + row.count, 0) }));
  const summary = stats?.from
    ? t('chart.summary', {
        count: total,
        from: stats.from,
        to: stats.to ?? '',
        bySeverity: bySeverity.map((item) => `${t(`severity.${item.severity}`)} ${formatNumber(item.count, locale)}`).join(', '),
      })
    : t('chart.none');
  const slot = days.length > 0 ? (width - 4) / days.length : 0;

  return (
    <section className="stats-chart" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('chart.title')}</h2>
      <QueryState isPending={query.isPending} error={query.error} isEmpty={total === 0} emptyText={t('chart.none')}>
        <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={summary} preserveAspectRatio="none" className="stats-svg">
          {days.map((day, index) => {
            let y = height;
            return (
              <g key={day}>
                <title>{`${day}: ${formatNumber(totals[index], locale)}`}</title>
                {entrySeverities.map((severity) => {
                  const count = counts.get(day)?.[severity] ?? 0;
                  if (count === 0) return null;
                  const barHeight = (count / max) * (height - 4);
                  y -= barHeight;
                  return <rect key={severity} className={`bar bar-${severity}`} x={2 + index * slot + 1} y={y} width={Math.max(1, slot - 2)} height={barHeight} />;
                })}
              </g>
            );
          })}
        </svg>
        {/* Dates under the bars as HTML: SVG text would be stretched with the bars. */}
        <div className="stats-axis" aria-hidden="true">
          <span>{days[0]}</span>
          <span>{days[Math.floor(days.length / 2)]}</span>
          <span>{days[days.length - 1]}</span>
        </div>
        <ul className="chart-legend">
          {bySeverity.map((item) => (
            <li key={item.severity}>
              <span className={`legend-swatch bar-${item.severity}`} aria-hidden="true" /> {severityGlyphs[item.severity]} {t(`severity.${item.severity}`)}{' '}
              {formatNumber(item.count, locale)}
            </li>
          ))}
        </ul>
        <details className="chart-table">
          <summary>{t('chart.asTable')}</summary>
          <table>
            <caption>{summary}</caption>
            <thead>
              <tr>
                <th scope="col">{t('chart.day')}</th>
                {entrySeverities.map((severity) => (
                  <th scope="col" key={severity}>
                    {t(`severity.${severity}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days
                .filter((_, index) => totals[index] > 0)
                .map((day) => (
                  <tr key={day}>
                    <th scope="row">{day}</th>
                    {entrySeverities.map((severity) => (
                      <td key={severity}>{formatNumber(counts.get(day)?.[severity] ?? 0, locale)}</td>
                    ))}
                  </tr>
                ))}
            </tbody>
          </table>
        </details>
      </QueryState>
    </section>
  );
}
