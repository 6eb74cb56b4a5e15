import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type KeyboardEvent } from 'react';
import { entrySeverities } from '../../../../../shared/domain/plant';
import type { ShiftLogFilterInput } from '../../../../../shared/views';
import { QueryState } from '../../../components/QueryState';
import { formatCalendarDate, formatNumber } from '../../../i18n/format';
import { useLocaleStore } from '../../../i18n/i18n';
import { statsQuery } from '../api/queries';
import { useEmptyText } from '../hooks/useEmptyText';
import { useShiftLogT } from '../messages';
import { severityGlyphs } from './marks';

type Severity = (typeof entrySeverities)[number];
type Unit = 'day' | 'week' | 'month';

/** One bar: the shift dates from `first` to `last` (a day, a week from Monday, or a month). */
interface Bucket {
  first: string;
  last: string;
  counts: Partial<Record<Severity, number>>;
  total: number;
}

/** More bars than this would be thinner than a pointer: longer ranges are shown by week, then by month. */
const maxBars = 62;

const dayMs = 86_400_000;
const toDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const dayTime = (day: string) => Date.parse(`${day}T00:00:00Z`);

function unitFor(from: string, to: string): Unit {
  const days = (dayTime(to) - dayTime(from)) / dayMs + 1;
  return days <= maxBars ? 'day' : days <= maxBars * 7 ? 'week' : 'month';
}

/** The start of the bar a shift date falls in. */
function bucketStart(day: string, unit: Unit): string {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(dayTime(day)).getUTCDay() + 6) % 7; // Monday 0
  return toDay(dayTime(day) - weekday * dayMs);
}

function nextStart(start: string, unit: Unit): string {
  if (unit === 'day') return toDay(dayTime(start) + dayMs);
  if (unit === 'week') return toDay(dayTime(start) + 7 * dayMs);
  const date = new Date(dayTime(start));
  date.setUTCMonth(date.getUTCMonth() + 1);
  return toDay(date.getTime());
}

/** Every bar of the range, empty ones too (a day without entries is a fact worth seeing). */
export function bucketsOf(from: string, to: string, rows: { day: string; severity: Severity; count: number }[]): { unit: Unit; buckets: Bucket[] } {
  const unit = unitFor(from, to);
  const buckets: Bucket[] = [];
  const index = new Map<string, Bucket>();
  for (let start = bucketStart(from, unit); start <= to; start = nextStart(start, unit)) {
    const end = toDay(dayTime(nextStart(start, unit)) - dayMs);
    const bucket = { first: start < from ? from : start, last: end > to ? to : end, counts: {}, total: 0 };
    buckets.push(bucket);
    index.set(start, bucket);
  }
  for (const row of rows) {
    const bucket = index.get(bucketStart(row.day, unit));
    if (!bucket) continue;
    bucket.counts[row.severity] = (bucket.counts[row.severity] ?? 0) + row.count;
    bucket.total += row.count;
  }
  return { unit, buckets };
}

/** A round top for the count axis (1, 2, 5 times a power of ten), so its ticks read as plain numbers. */
function niceCeiling(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= max) ?? 10;
  return step * power;
}

/** About six date ticks under the bars, whatever their number. */
function tickIndexes(count: number): number[] {
  if (count === 0) return [];
  const step = Math.max(1, Math.ceil(count / 6));
  const ticks: number[] = [];
  for (let index = 0; index < count; index += step) ticks.push(index);
  return ticks;
}

/** Over its bar, shifted by as much of its own width as the bar is far along: a tip or a date never leaves the chart. */
const edgeSafe = (fraction: number) => ({ left: `${fraction * 100}%`, transform: `translateX(-${fraction * 100}%)` });

/**
 * Entries per shift date by severity for the current filter, over the filter's dates (or all the
 * cache holds): stacked bars with a date axis and a count axis, each bar's value on hover and on
 * keyboard focus (one tab stop, arrow keys move between bars), and the same numbers as a table.
 */
export function StatsChart({ filter }: { filter: ShiftLogFilterInput }) {
  const t = useShiftLogT();
  const locale = useLocaleStore((state) => state.locale);
  const query = useQuery(statsQuery(filter));
  const [cursor, setCursor] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const [hovered, setHovered] = useState<number | null>(null);
  const bars = useRef<(HTMLDivElement | null)[]>([]);
  const stats = query.data;
  const emptyText = useEmptyText(t('chart.none'));
  const { unit, buckets } = stats?.from && stats.to ? bucketsOf(stats.from, stats.to, stats.days) : { unit: 'day' as Unit, buckets: [] };
  const total = buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  const top = niceCeiling(Math.max(0, ...buckets.map((bucket) => bucket.total)));
  // Counts are whole: a half-way tick only where it is one.
  const ticks = [top, top / 2, 0].filter(Number.isInteger);
  const bySeverity = entrySeverities.map((severity) => ({ severity, count: (stats?.days ?? []).filter((row) => row.severity === severity).reduce((sum, row) => sum + row.count, 0) }));
  const spansYears = stats?.from && stats.to ? stats.from.slice(0, 4) !== stats.to.slice(0, 4) : false;
  const summary =
    stats?.from && stats.to
      ? t('chart.summary', {
          count: total,
          from: formatCalendarDate(stats.from, locale),
          to: formatCalendarDate(stats.to, locale),
          bySeverity: bySeverity.map((item) => `${t(`severity.${item.severity}`)} ${formatNumber(item.count, locale)}`).join(', '),
        })
      : t('chart.none');
  const when = (bucket: Bucket) =>
    unit === 'day'
      ? formatCalendarDate(bucket.first, locale)
      : unit === 'week'
        ? t('chart.weekOf', { date: formatCalendarDate(bucket.first, locale) })
        : formatCalendarDate(bucket.first, locale, 'month');
  const barLabel = (bucket: Bucket) => t('chart.bar', { when: when(bucket), count: bucket.total });
  const tickLabel = (bucket: Bucket) => (unit === 'month' ? formatCalendarDate(bucket.first, locale, 'month') : spansYears ? formatCalendarDate(bucket.first, locale) : formatCalendarDate(bucket.first, locale, 'short'));
  // One tab stop for the bars: the last one focused, or the newest.
  const current = cursor !== null && cursor < buckets.length ? cursor : buckets.length - 1;
  const shown = hovered ?? (focused ? current : null);
  const shownBucket = shown !== null ? buckets[shown] : undefined;

  const move = (event: KeyboardEvent) => {
    const next = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: buckets.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const index = Math.min(buckets.length - 1, Math.max(0, next));
    setCursor(index);
    bars.current[index]?.focus();
  };

  return (
    <section className="stats-chart" aria-labelledby="stats-title">
      <h2 id="stats-title">{t('chart.title')}</h2>
      <QueryState isPending={query.isPending} error={query.error} isEmpty={total === 0} emptyText={emptyText}>
        <div className="chart-frame" data-unit={unit}>
          <div className="chart-counts" aria-hidden="true">
            {ticks.map((value) => (
              <span key={value} style={{ bottom: `${(value / top) * 100}%` }}>
                {formatNumber(value, locale)}
              </span>
            ))}
          </div>
          <div className="chart-plot">
            {ticks
              .filter((value) => value > 0)
              .map((value) => (
                <div key={value} className="chart-gridline" style={{ bottom: `${(value / top) * 100}%` }} aria-hidden="true" />
              ))}
            <div className="chart-bars" role="group" aria-label={summary} aria-describedby="stats-keys" onKeyDown={move} onMouseLeave={() => setHovered(null)} data-testid="chart-bars">
              {buckets.map((bucket, index) => (
                <div
                  key={bucket.first}
                  ref={(node) => void (bars.current[index] = node)}
                  className={index === shown ? 'chart-slot shown' : 'chart-slot'}
                  role="img"
                  aria-label={barLabel(bucket)}
                  tabIndex={index === current ? 0 : -1}
                  onFocus={() => (setCursor(index), setFocused(true))}
                  onBlur={() => setFocused(false)}
                  onMouseEnter={() => setHovered(index)}
                >
                  <div className="chart-stack" style={{ height: `${(bucket.total / top) * 100}%` }}>
                    {entrySeverities.map((severity) => {
                      const count = bucket.counts[severity] ?? 0;
                      return count === 0 ? null : <div key={severity} className={`bar bar-${severity}`} style={{ flexGrow: count }} />;
                    })}
                  </div>
                </div>
              ))}
            </div>
            {shownBucket && shown !== null && (
              <div className="chart-tip" role="status" data-testid="chart-tip" style={edgeSafe((shown + 0.5) / buckets.length)}>
                <strong>{barLabel(shownBucket)}</strong>
                {entrySeverities
                  .filter((severity) => (shownBucket.counts[severity] ?? 0) > 0)
                  .map((severity) => (
                    <span key={severity}>
                      {severityGlyphs[severity]} {t(`severity.${severity}`)} {formatNumber(shownBucket.counts[severity] ?? 0, locale)}
                    </span>
                  ))}
              </div>
            )}
          </div>
          <div className="chart-dates" aria-hidden="true">
            {tickIndexes(buckets.length).map((index) => (
              <span key={index} style={edgeSafe((index + 0.5) / buckets.length)}>
                {tickLabel(buckets[index])}
              </span>
            ))}
          </div>
        </div>
        <p id="stats-keys" className="visually-hidden">
          {t('chart.keys')}
        </p>
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
                <th scope="col">{t(`chart.unit.${unit}`)}</th>
                {entrySeverities.map((severity) => (
                  <th scope="col" key={severity}>
                    {t(`severity.${severity}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {buckets
                .filter((bucket) => bucket.total > 0)
                .map((bucket) => (
                  <tr key={bucket.first}>
                    <th scope="row">{when(bucket)}</th>
                    {entrySeverities.map((severity) => (
                      <td key={severity}>{formatNumber(bucket.counts[severity] ?? 0, locale)}</td>
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
