import { DATA_ACCESS_LEVELS } from "@bridle/contracts";
import type { TConnectedSystem } from "@bridle/contracts";
import { Autocomplete, Fieldset, MultiSelect, SimpleGrid, Stack, TagsInput, TextInput, Textarea } from "@mantine/core";
import { MAX_EXCEPTION_DAYS, dateInDays } from "../scope-expansion-form.ts";
import type { ExceptionValues } from "../scope-expansion-form.ts";

type Props = {
  values: ExceptionValues;
  allowedSystems: string[];
  systems: TConnectedSystem[];
  onChange: (patch: Partial<ExceptionValues>) => void;
  errorAt: (path: string) => string | undefined;
};

/** What a Golden Rule exception documents (DESIGN.md "The Golden Rule"). */
export function ExceptionFields({ values, allowedSystems, systems, onChange, errorAt }: Props) {
  return (
    <Fieldset legend="Golden Rule exception" radius="md">
      <Stack gap="sm">
        <Textarea
          label="Business purpose"
          description="Why this bot needs both internal data access and external communication."
          required
          autosize
          minRows={2}
          maxLength={1000}
          value={values.businessPurpose}
          onChange={(event) => onChange({ businessPurpose: event.currentTarget.value })}
          error={errorAt("payload.businessPurpose")}
        />
        <MultiSelect
          label="Allowed systems"
          description="Every system the bot talks outside through must be listed."
          data={systems.map((system) => ({ value: system.key, label: system.name }))}
          value={allowedSystems}
          onChange={(value) => onChange({ allowedSystems: value })}
          searchable
          error={errorAt("payload.allowedSystems")}
          comboboxProps={{ withinPortal: true }}
        />
        <TagsInput
          label="Allowed channels"
          description="Channels the bot may talk in; press Enter after each."
          value={values.allowedChannels}
          onChange={(value) => onChange({ allowedChannels: value.map((channel) => channel.trim().toLowerCase()) })}
          error={errorAt("payload.allowedChannels")}
          clearable
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Autocomplete
            label="Data classification"
            description="The most sensitive data the bot may handle."
            required
            data={DATA_ACCESS_LEVELS.filter((level) => level !== "none")}
            value={values.dataClassification}
            onChange={(value) => onChange({ dataClassification: value })}
            maxLength={100}
            error={errorAt("payload.dataClassification")}
          />
          <TextInput
            label="Exception expiry"
            description={`At most ${MAX_EXCEPTION_DAYS} days; renew it with a new request.`}
            type="date"
            required
            min={dateInDays(1)}
            max={dateInDays(MAX_EXCEPTION_DAYS)}
            value={values.expiresOn}
            onChange={(event) => onChange({ expiresOn: event.currentTarget.value })}
            error={errorAt("payload.exceptionExpiresAt")}
          />
        </SimpleGrid>
        <Textarea
          label="Approval requirements"
          description="Which of its actions still need a human's approval, and whose."
          placeholder="e.g. every external post needs security's approval (message.post_external: require approval)"
          required
          autosize
          minRows={2}
          maxLength={1000}
          value={values.approvalRequirements}
          onChange={(event) => onChange({ approvalRequirements: event.currentTarget.value })}
          error={errorAt("payload.approvalRequirements")}
        />
      </Stack>
    </Fieldset>
  );
}
