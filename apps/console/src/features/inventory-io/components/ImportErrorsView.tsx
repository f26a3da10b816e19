import type { TImportRowError } from "@bridle/contracts";
import { Alert, Stack, Table, Text } from "@mantine/core";

const MAX_ERRORS_SHOWN = 500;

/** The rows a 400 `import_invalid` answer rejected, each with its line in the uploaded file. */
export function ImportErrorsView({ message, errors }: { message: string; errors: TImportRowError[] }) {
  const shown = errors.slice(0, MAX_ERRORS_SHOWN);
  return (
    <Stack gap="sm" data-testid="import-errors">
      <Alert color="red" variant="light" title="Nothing was imported" role="alert">
        {message} Fix {errors.length === 1 ? "this problem" : `these ${errors.length.toLocaleString("en-US")} problems`} in the
        file and try again.
      </Alert>
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Import errors" verticalSpacing="xs" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Bot</Table.Th>
              <Table.Th>Field</Table.Th>
              <Table.Th>Problem</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((error, index) => (
              <Table.Tr key={`${error.row}-${error.field ?? ""}-${index}`}>
                <Table.Td>
                  <Text size="sm" fw={700} ff="monospace" c="red.8" style={{ whiteSpace: "nowrap" }}>
                    {error.line === null ? `Row ${error.row}` : `Line ${error.line}`}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{error.name ?? "—"}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {error.field ?? "—"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{error.message}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {errors.length > shown.length && (
        <Text size="sm" c="dimmed">
          Showing the first {MAX_ERRORS_SHOWN.toLocaleString("en-US")} of {errors.length.toLocaleString("en-US")} problems.
        </Text>
      )}
    </Stack>
  );
}
