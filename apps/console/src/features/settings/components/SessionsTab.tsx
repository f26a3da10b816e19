import { Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { useIdentitySettings } from "../queries.ts";
import { BootstrapAdminSwitch } from "./BootstrapAdminSwitch.tsx";
import { BreakGlassEvents } from "./BreakGlassEvents.tsx";
import { SessionPolicyForm } from "./SessionPolicyForm.tsx";
import { SessionsTable } from "./SessionsTable.tsx";

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title}>
      <Title order={2} fz="h4" mb={description ? 4 : "md"}>
        {title}
      </Title>
      {description && (
        <Text size="sm" c="dimmed" mb="md">
          {description}
        </Text>
      )}
      {children}
    </Paper>
  );
}

/** Session lifetime, the break-glass account, active sessions and the break-glass account's use. */
export function SessionsTab() {
  const settings = useIdentitySettings();
  const can = useCan();

  return (
    <Stack gap="lg">
      <Section title="Session lifetime">
        {settings.isPending && <LoadingBlock label="Loading settings" />}
        {settings.isError && <ErrorBlock title="Could not load the identity settings" error={settings.error} onRetry={() => void settings.refetch()} />}
        {settings.data && <SessionPolicyForm key={settings.data.updatedAt} settings={settings.data} />}
      </Section>
      <Section title="Break-glass account">
        {settings.isPending && <LoadingBlock label="Loading settings" />}
        {settings.isError && <Text size="sm" c="dimmed">Unavailable until the identity settings load.</Text>}
        {settings.data && <BootstrapAdminSwitch settings={settings.data} />}
      </Section>
      <Section title="Active sessions" description="Everyone signed in to the console. Revoking a session signs that browser out at once.">
        {can("sessions.manage") ? (
          <SessionsTable />
        ) : (
          <Text size="sm" c="dimmed">
            Seeing and ending other people's sessions needs the sessions.manage permission.
          </Text>
        )}
      </Section>
      <Section title="Break-glass account use" description="Each use of the local bootstrap admin, newest first.">
        <BreakGlassEvents />
      </Section>
    </Stack>
  );
}
