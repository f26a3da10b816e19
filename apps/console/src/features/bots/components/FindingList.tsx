import type { TFinding, TFindingKind } from "@bridle/contracts";
import { Code, Group, Paper, Stack, Text, ThemeIcon } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { SeverityBadge } from "./badges.tsx";

const SEVERITY_BORDER: Record<TFinding["severity"], string> = {
  high: "var(--mantine-color-red-6)",
  medium: "var(--mantine-color-orange-5)",
  low: "var(--mantine-color-yellow-5)",
};

/** Each finding with its rule id, severity, message and how to fix it. */
export function FindingList({ findings, titleOf }: { findings: TFinding[]; titleOf: (kind: TFindingKind) => string }) {
  if (findings.length === 0) {
    return (
      <Group gap="sm">
        <ThemeIcon color="teal" variant="light" radius="xl" aria-hidden>
          <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={3}>
            <path d="M5 12l5 5L19 7" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </ThemeIcon>
        <Text size="sm">No findings: this bot follows every org rule.</Text>
      </Group>
    );
  }
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Findings">
      {findings.map((finding, index) => (
        <Paper
          component="li"
          key={`${finding.kind}-${index}`}
          withBorder
          p="md"
          radius="md"
          style={{ borderLeft: `4px solid ${SEVERITY_BORDER[finding.severity]}` }}
          data-testid="finding"
        >
          <Group gap="xs" mb={6}>
            <SeverityBadge severity={finding.severity} />
            <Code>{finding.rule}</Code>
            <AnchorLink to="/bots" search={{ finding: finding.kind }} size="sm" fw={600}>
              {titleOf(finding.kind)}
            </AnchorLink>
          </Group>
          <Text size="sm">{finding.message}</Text>
          <Text size="sm" mt={6}>
            <Text span fw={600}>
              How to fix:{" "}
            </Text>
            {finding.remediation}
          </Text>
        </Paper>
      ))}
    </Stack>
  );
}
