import type { TFindingsOverview } from "@bridle/contracts";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Horizontal bars: how many bots have each kind of finding. */
export function FindingsChart({ kinds }: { kinds: TFindingsOverview["kinds"] }) {
  const data = kinds.map((kind) => ({ title: kind.title, bots: kind.bots }));
  const height = Math.max(220, data.length * 40 + 40);
  return (
    <div role="img" aria-label={`Bots per finding kind: ${data.map((d) => `${d.title} ${d.bots}`).join(", ")}`} style={{ width: "100%", height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="title" width={230} tick={{ fontSize: 12 }} interval={0} />
          <Tooltip formatter={(value) => [value, "Bots"]} cursor={{ fill: "rgba(0,0,0,0.04)" }} />
          <Bar dataKey="bots" radius={[0, 4, 4, 0]} isAnimationActive={false}>
            {data.map((entry) => (
              <Cell key={entry.title} fill={entry.bots > 0 ? "var(--mantine-color-orange-6)" : "var(--mantine-color-gray-4)"} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
