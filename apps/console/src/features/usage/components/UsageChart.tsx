import type { TUsageGranularity, TUsagePoint } from "@bridle/contracts";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type UsageSeries = { key: keyof Omit<TUsagePoint, "start">; label: string; color: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A bucket's start as the axis shows it (UTC): "Nov 30", "wk Nov 24", "Nov 2026". */
export function bucketLabel(start: string, g: TUsageGranularity): string {
  const d = new Date(start);
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  if (g === "day") return day;
  if (g === "week") return `wk ${day}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/**
 * Bars per bucket for one or more counters (stacked when `stacked`), with a text summary for
 * screen readers (the chart is an image to them).
 */
export function UsageChart({
  series,
  points,
  granularity,
  format = (v) => v.toLocaleString("en-US"),
  stacked = false,
  title,
}: {
  series: UsageSeries[];
  points: TUsagePoint[];
  granularity: TUsageGranularity;
  format?: (v: number) => string;
  stacked?: boolean;
  title: string;
}) {
  const data = points.map((p) => ({ label: bucketLabel(p.start, granularity), ...p }));
  const totals = series.map((s) => `${s.label} ${format(points.reduce((n, p) => n + p[s.key], 0))}`).join(", ");
  return (
    <div role="img" aria-label={`${title}: ${totals} over ${points.length} ${granularity}s`} style={{ width: "100%", height: 220 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 8 }}>
          <CartesianGrid vertical={false} strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={12} />
          <YAxis tick={{ fontSize: 11 }} width={56} tickFormatter={(v: number) => format(v)} allowDecimals />
          <Tooltip formatter={(value, name) => [format(Number(value)), name]} cursor={{ fill: "rgba(0,0,0,0.04)" }} />
          {series.length > 1 ? <Legend wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.color} isAnimationActive={false} {...(stacked ? { stackId: "a" } : {})} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
