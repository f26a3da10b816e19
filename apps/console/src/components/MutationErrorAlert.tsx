import { Alert, List, Text } from "@mantine/core";
import { errorMessage, isApiError } from "../lib/api.ts";
import { formIssues } from "../lib/form-errors.ts";

/** Why a save failed: the message, and each field's problem (the inputs show them too). */
export function MutationErrorAlert({ error, title }: { error: unknown; title: string }) {
  const issues = formIssues(error);
  const status = isApiError(error) ? error.status : 0;
  const heading = status === 403 ? "Not allowed" : title;
  return (
    <Alert color="red" variant="light" role="alert" title={heading}>
      <Text size="sm">{errorMessage(error)}</Text>
      {issues.length > 0 && (
        <List size="sm" mt="xs" spacing={2}>
          {issues.map((issue, index) => (
            <List.Item key={`${issue.path}-${index}`}>
              {issue.path && !issue.labelled ? <strong>{issue.path}: </strong> : null}
              {issue.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
