import type { TFindingsOverview } from "@bridle/contracts";
import { Text } from "@mantine/core";
import { CardLink } from "../../../components/links.tsx";
import { useId } from "react";

type Kind = TFindingsOverview["kinds"][number];

/** A finding kind and how many bots have it; the whole card links to the filtered inventory. */
export function FindingKindCard({ kind }: { kind: Kind }) {
  const describedBy = useId();
  const clean = kind.bots === 0;
  return (
    <CardLink
      to="/bots"
      search={{ finding: kind.kind }}
      withBorder
      radius="md"
      padding="lg"
      aria-label={kind.title}
      aria-describedby={describedBy}
      data-testid={`finding-kind-${kind.kind}`}
      style={{ textDecoration: "none", borderTop: `3px solid var(--mantine-color-${clean ? "teal-5" : "orange-6"})` }}
      className="bridle-hover-card"
    >
      <Text fw={600} size="sm" mb={2}>
        {kind.title}
      </Text>
      <Text size="xs" c="dimmed" ff="monospace" mb="xs">
        {kind.rule}
      </Text>
      <div id={describedBy}>
        <Text fz={32} fw={700} lh={1.1} c={clean ? "teal.7" : "orange.8"}>
          {kind.bots.toLocaleString("en-US")}
        </Text>
        <Text size="xs" c="dimmed" mb="xs">
          {kind.bots === 1 ? "bot" : "bots"}
        </Text>
        <Text size="sm" c="dimmed" lineClamp={3}>
          {kind.description}
        </Text>
      </div>
    </CardLink>
  );
}
