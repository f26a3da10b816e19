import type { TSetupStepKey } from "@bridle/contracts";
import { Badge, Group, List, Paper, Progress, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useSetupStatus } from "../queries.ts";

/** Where each step is done, and what the link says. */
const STEPS: Record<TSetupStepKey, { title: string; to: "/settings" | "/teams" | "/systems" | "/policy" | "/bots"; action: string }> = {
  sso: { title: "Connect single sign-on", to: "/settings", action: "Open SSO settings" },
  teams: { title: "Turn on SCIM, or create teams", to: "/teams", action: "Go to teams" },
  systems: { title: "Add connected systems", to: "/systems", action: "Go to connected systems" },
  channels: { title: "Set the channel allowlist", to: "/policy", action: "Go to org policy" },
  first_bot: { title: "Register the first bot", to: "/bots", action: "Go to the inventory" },
};

/**
 * The first-run checklist, as the server computes it from the org's state (GET /api/v1/setup):
 * each step ticks when it is true now, and links to where it is done.
 */
export function SetupChecklist({ compact = false }: { compact?: boolean }) {
  const status = useSetupStatus();
  if (status.isPending) return <LoadingBlock label="Loading the setup checklist" />;
  if (status.isError) return <ErrorBlock title="Could not load the setup checklist" error={status.error} onRetry={() => void status.refetch()} />;
  const { steps, complete } = status.data;
  const done = steps.filter((s) => s.done).length;
  return (
    <Paper withBorder radius="md" p="lg" mb="lg" aria-label="Setup checklist" role="region">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} fz="h4">
            {complete ? "Your organization is set up" : "Get started"}
          </Title>
          <Badge color={complete ? "teal" : "blue"} variant="light" data-testid="setup-progress">
            {done} of {steps.length} done
          </Badge>
        </Group>
        {!compact && (
          <Text size="sm" c="dimmed">
            Each step ticks on its own once it is true in Bridle.
          </Text>
        )}
        <Progress value={(done / steps.length) * 100} color={complete ? "teal" : "blue"} aria-hidden />
        <List spacing="sm" listStyleType="none">
          {steps.map((step) => {
            const meta = STEPS[step.key];
            return (
              <List.Item
                key={step.key}
                data-testid={`setup-step-${step.key}`}
                data-done={step.done}
                icon={
                  <ThemeIcon color={step.done ? "teal" : "gray"} variant={step.done ? "filled" : "light"} radius="xl" size={22} aria-hidden>
                    <span style={{ fontSize: 12 }}>{step.done ? "✓" : "•"}</span>
                  </ThemeIcon>
                }
              >
                <Text size="sm" fw={600}>
                  {meta.title}
                  <Text span size="sm" c={step.done ? "teal.8" : "dimmed"} fw={400}>
                    {step.done ? " (done)" : " (to do)"}
                  </Text>
                </Text>
                <Text size="sm" c="dimmed">
                  {step.detail}{" "}
                  {!step.done && (
                    <AnchorLink to={meta.to} size="sm">
                      {meta.action}
                    </AnchorLink>
                  )}
                </Text>
              </List.Item>
            );
          })}
        </List>
      </Stack>
    </Paper>
  );
}
