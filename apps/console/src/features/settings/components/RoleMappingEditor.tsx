import type { TRole } from "@bridle/contracts";
import { ActionIcon, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { ROLE_OPTIONS } from "../../people/roles.ts";
import { emptyMappingRow } from "../sso-form.ts";
import type { RoleMappingRow } from "../sso-form.ts";

/** Rows of "identity provider group -> Bridle role"; a person gets the roles of all their groups. */
export function RoleMappingEditor({
  rows,
  onChange,
  errorAt,
}: {
  rows: RoleMappingRow[];
  onChange: (rows: RoleMappingRow[]) => void;
  errorAt: (path: string) => string | undefined;
}) {
  const update = (index: number, patch: Partial<RoleMappingRow>) => onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <Stack gap="xs">
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No mappings: people signing in with SSO keep the roles set here in the console.
        </Text>
      )}
      {rows.map((row, index) => (
        <Group key={row.key} align="flex-start" gap="sm" wrap="nowrap" data-testid="role-mapping-row">
          <TextInput
            aria-label={`Group ${index + 1}`}
            placeholder="e.g. bridle-admins"
            value={row.group}
            onChange={(event) => update(index, { group: event.currentTarget.value })}
            error={errorAt(`roleMapping.${index}.group`)}
            style={{ flex: 1 }}
          />
          <Select
            aria-label={`Role for group ${index + 1}`}
            placeholder="Role"
            data={ROLE_OPTIONS}
            value={row.role}
            onChange={(value) => update(index, { role: (value as TRole | null) ?? null })}
            error={errorAt(`roleMapping.${index}.role`)}
            allowDeselect={false}
            w={160}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={`Remove mapping ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden>
              <path d="M6 6l12 12M18 6L6 18" strokeLinecap="round" />
            </svg>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange([...rows, emptyMappingRow()])}>
          Add mapping
        </Button>
      </Group>
    </Stack>
  );
}
