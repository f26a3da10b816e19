import type { TAccessReviewCampaign } from "@bridle/contracts";
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Horizontal bars: a campaign's items by state (kept, reduced, offboarded, pending, of which overdue). */
export function ProgressChart({ progress }: { progress: TAccessReviewCampaign["progress"] }) {
  const data = [
    { state: "Kept", items: progress.keep, color: "var(--mantine-color-teal-6)" },
    { state: "Reduced", items: progress.reduce, color: "var(--mantine-color-orange-6)" },
    { state: "Offboarded", items: progress.offboard, color: "var(--mantine-color-red-6)" },
    { state: "Pending, on time", items: progress.pending - progress.overdue, color: "var(--mantine-color-blue-5)" },
    { state: "Pending, overdue", items: progress.overdue, color: "var(--mantine-color-red-9)" },
  ];
  return (
    <div role="img" aria-label={`Review items by state: ${data.map((d) => `${d.state} ${d.items}`).join(", ")}`} style={{ width: "100%", height: 240 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 4, left: 8 }}>
          <CartesianGrid horizontal={false} strokeDasharray="3 3" />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="state" width={140} tick={{ fontSize: 12 }} interval={0} />
          <Tooltip formatter={(value) => [value, "Items"]} cursor={{ fill: "rgba(0,0,0,0.04)" }} />
          <Bar dataKey="items" radius={[0, 4, 4, 0]} isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.state} fill={d.color} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
