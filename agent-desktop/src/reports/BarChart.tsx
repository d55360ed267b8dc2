// Grouped bars in plain SVG: one group per label, one bar per series. Enough for a month of daily figures.
interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

export function BarChart({ labels, series, height = 180, testId }: { labels: readonly string[]; series: readonly Series[]; height?: number; testId?: string }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const groupWidth = 24;
  const barWidth = Math.max(2, Math.floor((groupWidth - 4) / Math.max(1, series.length)));
  const width = labels.length * groupWidth + 40;
  const plot = height - 30;
  return (
    <div style={{ overflowX: 'auto' }} data-testid={testId}>
      <svg width={width} height={height} role="img" aria-label={series.map((s) => s.name).join(' / ')}>
        <text x={0} y={10} fontSize={10} fill="#888">
          {max}
        </text>
        <line x1={30} x2={width} y1={plot} y2={plot} stroke="#ddd" />
        {labels.map((label, i) => (
          <g key={label} transform={`translate(${32 + i * groupWidth},0)`}>
            {series.map((s, j) => {
              const v = s.values[i] ?? 0;
              const h = Math.round((v / max) * (plot - 14));
              return (
                <rect key={s.name} x={j * barWidth} y={plot - h} width={barWidth - 1} height={h} fill={s.color}>
                  <title>{`${label} ${s.name}: ${v}`}</title>
                </rect>
              );
            })}
            {(labels.length <= 10 || i % 5 === 0) && (
              <text x={0} y={plot + 14} fontSize={10} fill="#666">
                {label.slice(5)}
              </text>
            )}
          </g>
        ))}
      </svg>
      <div style={{ display: 'flex', gap: 12, fontSize: 12 }}>
        {series.map((s) => (
          <span key={s.name}>
            <span style={{ display: 'inline-block', width: 10, height: 10, background: s.color, marginRight: 4 }} />
            {s.name}
          </span>
        ))}
      </div>
    </div>
  );
}

/** Horizontal bars for a breakdown (by type, class, district): CSS only. */
export function RankBars({ items, testId }: { items: readonly { key: string; name: string; count: number }[]; testId?: string }) {
  const max = Math.max(1, ...items.map((i) => i.count));
  return (
    <div data-testid={testId}>
      {items.slice(0, 12).map((i) => (
        <div key={i.key} style={{ display: 'flex', alignItems: 'center', gap: 6, fontSize: 12, marginBottom: 2 }}>
          <span style={{ width: 110, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={i.name}>
            {i.name}
          </span>
          <span style={{ height: 10, width: `${(i.count / max) * 60}%`, background: '#69b1ff' }} />
          <span>{i.count}</span>
        </div>
      ))}
    </div>
  );
}
