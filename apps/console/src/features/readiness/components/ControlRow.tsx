import type { TReadinessControl } from "@bridle/contracts";
import { Badge, Group, List, Paper, Stack, Text } from "@mantine/core";
import { HrefLink } from "./HrefLink.tsx";
import { STATUS_INFO } from "./statuses.ts";

/** One control: its status, why it matters, the counts, and links to exactly what fails it. */
export function ControlRow({ control }: { control: TReadinessControl }) {
  const info = STATUS_INFO[control.status];
  const more = control.failing - control.examples.length;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={`readiness-${control.id}`} data-testid={`readiness-${control.id}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Text fw={600} id={`readiness-${control.id}`}>
            {control.title}
          </Text>
          <Badge color={info.color} variant="filled" style={{ flexShrink: 0 }}>
            {info.label}
          </Badge>
        </Group>
        <Text size="sm">{control.detail}</Text>
        <Text size="sm" c="dimmed">
          {control.explanation} <Text span size="xs" c="dimmed">({control.source})</Text>
        </Text>
        {control.examples.length > 0 && (
          <Group gap="xs" align="baseline">
            <Text size="sm" c="dimmed">
              {control.status === "fail" ? "Failing:" : "Look at:"}
            </Text>
            {control.examples.map((e) => (
              <HrefLink key={e.href + e.label} href={e.href} size="sm">
                {e.label}
              </HrefLink>
            ))}
            {more > 0 && (
              <Text size="sm" c="dimmed">
                and {more} more
              </Text>
            )}
          </Group>
        )}
        {control.links.length > 0 && (
          <List size="sm" spacing={2}>
            {control.links.map((l) => (
              <List.Item key={l.href}>
                <HrefLink href={l.href} size="sm">
                  {l.label}
                </HrefLink>
              </List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Paper>
  );
}
