import { fieldIssues, isApiError } from "./api.ts";
import type { FieldIssue } from "./api.ts";

/** The per-field problems of a 400 answer, with paths as the form names them (`roleMapping.0.group`, no `body.`). */
export function formIssues(error: unknown): FieldIssue[] {
  if (!isApiError(error) || error.status !== 400) return [];
  return fieldIssues(error.details).map((issue) => ({ ...issue, path: issue.path.replace(/^body\.?/, "") }));
}

/** `errorAt(path)` for a form's inputs: the server's message for that field, joined when there are several. */
export function errorLookup(issues: FieldIssue[]): (path: string) => string | undefined {
  return (path) => {
    const found = issues.filter((issue) => issue.path === path).map((issue) => issue.message);
    return found.length > 0 ? found.join("; ") : undefined;
  };
}
