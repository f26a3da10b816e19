import type { TReadiness } from "@bridle/contracts";
import { Badge, Group, Paper, RingProgress, Stack, Text, Title } from "@mantine/core";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { STATUS_INFO, VERDICT_INFO } from "./statuses.ts";

/** The overall verdict: a ring of the score, the verdict in words, and how many controls stand where. */
export function ReadinessVerdict({ readiness }: { readiness: TReadiness }) {
  const { verdict, score, counts, summary, computedAt } = readiness;
  const info = VERDICT_INFO[verdict];
  const applicable = counts.pass + counts.warn + counts.fail;
  // One section per status, sized by its share of the applicable controls (warn counts half in the score, whole here).
  const sections = applicable
    ? (["pass", "warn", "fail"] as const)
        .filter((s) => counts[s] > 0)
        .map((s) => ({ value: (100 * counts[s]) / applicable, color: STATUS_INFO[s].color, tooltip: `${STATUS_INFO[s].label}: ${counts[s]}` }))
    : [];
  return (
    <Paper withBorder radius="md" p="lg" data-testid="readiness-verdict">
      <Group gap="xl" wrap="nowrap" align="center">
        <RingProgress
          size={140}
          thickness={14}
          roundCaps={false}
          sections={sections}
          aria-label={`Readiness score ${score}%: ${counts.pass} pass, ${counts.warn} need attention, ${counts.fail} fail, ${counts.notApplicable} not applicable`}
          label={
            <Text ta="center" fw={700} size="xl">
              {score}%
            </Text>
          }
        />
        <Stack gap={6}>
          <Group gap="sm">
            <Title order={2} fz="h3">
              {info.label}
            </Title>
            <Badge color={info.color} variant="light" size="lg">
              Score {score}%
            </Badge>
          </Group>
          <Text>{summary}</Text>
          <Group gap="xs">
            {(["pass", "warn", "fail", "not_applicable"] as const).map((s) => (
              <Badge key={s} color={STATUS_INFO[s].color} variant="outline">
                {STATUS_INFO[s].label}: {s === "not_applicable" ? counts.notApplicable : counts[s]}
              </Badge>
            ))}
          </Group>
          <Text size="xs" c="dimmed">
            Computed from the organization's data <RelativeTime value={computedAt} span size="xs" c="dimmed" />. The score counts a pass as 1, an attention as ½ and a fail as 0, over the applicable controls.
          </Text>
        </Stack>
      </Group>
    </Paper>
  );
}
