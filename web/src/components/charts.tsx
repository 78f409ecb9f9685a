import { useId } from 'react';

export interface Series {
  label: string;
  /** One value per x category, in the order of `categories`. */
  values: number[];
}

const PALETTE = ['#2f6fdf', '#e07a1f', '#1a9c6b', '#b9439b', '#6b6f80'];
const W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 52 };

/** A round number at or above `max` for the top of the y axis (1, 2, 5 x 10^n). */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/**
 * A line chart over days (or any categories), drawn as SVG so it needs no chart library and scales
 * with its box. Screen readers get the label and a summary table.
 */
export function LineChart({ label, categories, series, formatValue, formatCategory }: {
  label: string;
  categories: string[];
  series: Series[];
  formatValue: (n: number) => string;
  formatCategory: (c: string) => string;
}) {
  const titleId = useId();
  const top = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (categories.length <= 1 ? innerW / 2 : (i * innerW) / (categories.length - 1));
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const ticks = [0, top / 2, top];
  const labelEvery = Math.max(1, Math.ceil(categories.length / 6));
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId} data-testid="chart" preserveAspectRatio="xMidYMid meet">
        <title id={titleId}>{label}</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(tick)} y2={y(tick)} className="grid" />
            <text x={PAD.left - 6} y={y(tick) + 4} textAnchor="end" className="axis">
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {categories.map((c, i) =>
          i % labelEvery === 0 ? (
            <text key={c} x={x(i)} y={H - 8} textAnchor="middle" className="axis">
              {formatCategory(c)}
            </text>
          ) : null,
        )}
        {series.map((s, si) => (
          <polyline
            key={s.label}
            fill="none"
            stroke={PALETTE[si % PALETTE.length]}
            strokeWidth={2.5}
            strokeLinejoin="round"
            points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
      <Legend series={series} />
      <div className="visually-hidden">
        <table>
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col" />
            {series.map((s) => (
              <th key={s.label} scope="col">{s.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((c, i) => (
            <tr key={c}>
              <th scope="row">{formatCategory(c)}</th>
              {series.map((s) => (
                <td key={s.label}>{formatValue(s.values[i] ?? 0)}</td>
              ))}
            </tr>
          ))}
        </tbody>
        </table>
      </div>
    </figure>
  );
}

/** Horizontal bars for a breakdown (by link, by country): one row per item, value at the end. */
export function BarChart({ label, items, formatValue }: { label: string; items: { label: string; value: number }[]; formatValue: (n: number) => string }) {
  const titleId = useId();
  const max = Math.max(0, ...items.map((i) => i.value)) || 1;
  const rowH = 28;
  const height = Math.max(rowH, items.length * rowH);
  const labelW = 170;
  const valueW = 90;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={titleId} data-testid="chart">
        <title id={titleId}>{label}</title>
        {items.map((item, i) => {
          const barW = ((W - labelW - valueW) * item.value) / max;
          return (
            <g key={item.label} transform={`translate(0, ${i * rowH})`}>
              <text x={labelW - 8} y={rowH / 2 + 4} textAnchor="end" className="axis">
                {item.label.length > 24 ? `${item.label.slice(0, 23)}…` : item.label}
              </text>
              <rect x={labelW} y={5} width={Math.max(barW, item.value > 0 ? 2 : 0)} height={rowH - 10} rx={3} fill={PALETTE[0]} />
              <text x={labelW + barW + 6} y={rowH / 2 + 4} className="axis">
                {formatValue(item.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="visually-hidden">
        <table>
        <caption>{label}</caption>
        <tbody>
          {items.map((item) => (
            <tr key={item.label}>
              <th scope="row">{item.label}</th>
              <td>{formatValue(item.value)}</td>
            </tr>
          ))}
        </tbody>
        </table>
      </div>
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return (
    <figcaption className="legend">
      {series.map((s, i) => (
        <span key={s.label}>
          <i style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
          {s.label}
        </span>
      ))}
    </figcaption>
  );
}
