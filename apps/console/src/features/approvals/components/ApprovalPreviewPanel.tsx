import { Alert, Badge, Group, List, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { errorMessage, isMissingEndpoint } from "../../../lib/api.ts";
import { formIssues } from "../../../lib/form-errors.ts";
import type { TApprovalPreview } from "../schemas.ts";
import { EffectSummary, ReasonList } from "./EffectView.tsx";

type Props = {
  preview: TApprovalPreview | undefined;
  error: unknown;
  fetching: boolean;
  /** Nothing to preview yet (the form is not filled in enough). */
  empty: boolean;
  emptyText: string;
  /** Shown above the effect, e.g. "Preview of the Golden Rule exception". */
  heading?: string;
};

function PreviewError({ error }: { error: unknown }) {
  if (isMissingEndpoint(error)) {
    return <Text size="sm" c="dimmed">The preview is not available on this server; you can still submit the request.</Text>;
  }
  const issues = formIssues(error);
  return (
    <Alert color="red" variant="light" title="This request cannot be made as it is">
      <Text size="sm">{errorMessage(error)}</Text>
      {issues.length > 0 && (
        <List size="sm" mt={4}>
          {issues.map((issue, index) => (
            <List.Item key={index}>{issue.message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

function YesNo({ label, value }: { label: string; value: boolean }) {
  return (
    <Badge variant="light" color={value ? "orange" : "gray"} radius="sm" tt="none">
      {label}: {value ? "yes" : "no"}
    </Badge>
  );
}

/** The live preview beside a request form: what approval would change and what the policy says. */
export function ApprovalPreviewPanel({ preview, error, fetching, empty, emptyText, heading }: Props) {
  let body: ReactNode;
  if (empty) body = <Text size="sm" c="dimmed">{emptyText}</Text>;
  else if (error != null && !fetching) body = <PreviewError error={error} />;
  else if (!preview) body = <Text size="sm" c="dimmed">Working out what this would change…</Text>;
  else {
    body = (
      <Stack gap="md">
        {heading && (
          <Text size="xs" c="dimmed" fw={600} tt="uppercase">
            {heading}
          </Text>
        )}
        <EffectSummary effect={preview.effect} />
        <Stack gap={6}>
          <Text size="sm" fw={600}>
            Policy reasons
          </Text>
          <ReasonList reasons={preview.reasons} />
        </Stack>
        <Stack gap={6}>
          <Text size="sm" fw={600}>
            The bot after this change
          </Text>
          <Group gap={6}>
            <YesNo label="Internal data access" value={preview.goldenRule.internalData} />
            <YesNo label="External communication" value={preview.goldenRule.externalCommunication} />
            {preview.goldenRule.violation && (
              <Badge color="red" variant="filled" radius="sm" tt="none">
                Breaks the Golden Rule without an exception
              </Badge>
            )}
          </Group>
        </Stack>
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md" p="md" bg="gray.0" data-testid="approval-preview" aria-label="Preview" component="section" aria-busy={fetching}>
      <Group justify="space-between" mb="sm">
        <Title order={3} fz="h5">
          Live preview
        </Title>
        {fetching && <Loader size="xs" aria-label="Updating preview" />}
      </Group>
      <div style={{ opacity: fetching && preview ? 0.6 : 1, transition: "opacity 120ms" }}>{body}</div>
    </Paper>
  );
}
