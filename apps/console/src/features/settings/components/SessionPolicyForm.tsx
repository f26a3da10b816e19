import type { TIdentitySettings } from "@bridle/contracts";
import { Button, Group, NumberInput, SimpleGrid, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useUpdateIdentitySettings } from "../queries.ts";

type Values = { sessionMaxHours: number | ""; sessionIdleMinutes: number | "" };

/** How long a console session lasts, at most and without activity. */
export function SessionPolicyForm({ settings }: { settings: TIdentitySettings }) {
  const update = useUpdateIdentitySettings();
  const [values, setValues] = useState<Values>({ sessionMaxHours: settings.sessionMaxHours, sessionIdleMinutes: settings.sessionIdleMinutes });
  const errorAt = errorLookup(formIssues(update.error));
  const changed = values.sessionMaxHours !== settings.sessionMaxHours || values.sessionIdleMinutes !== settings.sessionIdleMinutes;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate(
      // An emptied box is sent as 0 so the server's contract names the problem.
      { sessionMaxHours: values.sessionMaxHours === "" ? 0 : values.sessionMaxHours, sessionIdleMinutes: values.sessionIdleMinutes === "" ? 0 : values.sessionIdleMinutes },
      {
        onSuccess: (saved) => {
          setValues({ sessionMaxHours: saved.sessionMaxHours, sessionIdleMinutes: saved.sessionIdleMinutes });
          notifications.show({ color: "teal", title: "Session settings saved", message: "New sign-ins use them; existing sessions keep their expiry." });
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Session settings">
      <Stack gap="md">
        {update.isError && <MutationErrorAlert error={update.error} title="The session settings were not saved" />}
        <SimpleGrid cols={{ base: 1, sm: 2 }} maw={640}>
          <NumberInput
            label="Maximum session length (hours)"
            description="A session ends this long after sign-in (1 to 720)"
            min={1}
            max={720}
            allowDecimal={false}
            value={values.sessionMaxHours}
            onChange={(value) => setValues((previous) => ({ ...previous, sessionMaxHours: typeof value === "number" ? value : "" }))}
            error={errorAt("sessionMaxHours")}
          />
          <NumberInput
            label="Idle timeout (minutes)"
            description="A session ends after this long without activity (5 to 1440)"
            min={5}
            max={1440}
            allowDecimal={false}
            value={values.sessionIdleMinutes}
            onChange={(value) => setValues((previous) => ({ ...previous, sessionIdleMinutes: typeof value === "number" ? value : "" }))}
            error={errorAt("sessionIdleMinutes")}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" loading={update.isPending} disabled={!changed}>
            Save session settings
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
