import type { TCreateApprovalRequest } from "@bridle/contracts";
import { useDebouncedValue } from "@mantine/hooks";
import { useApprovalPreview } from "./queries.ts";

/** The form waits this long after the last change before asking for a preview (ms). */
export const PREVIEW_DEBOUNCE_MS = 300;

/**
 * The preview endpoint validates the whole create body, justification included, though the
 * justification changes nothing in the effect or the reasons. Until the owner has written one,
 * the preview is asked with this stand-in; the request itself is only sent with a real one.
 */
export const PREVIEW_JUSTIFICATION = "(preview)";

/**
 * A live preview of a request body: asked 300 ms after the last change; `settled` once the
 * answer (or error) belongs to the body as it is now, so the form knows the verdict it shows is current.
 */
export function useLivePreview(body: TCreateApprovalRequest | null) {
  const key = body === null ? null : JSON.stringify(body);
  const [debounced] = useDebouncedValue(key, PREVIEW_DEBOUNCE_MS);
  const query = useApprovalPreview(debounced);
  const settled = key !== null && debounced === key && !query.isFetching && !query.isPlaceholderData;
  return { query, settled, empty: key === null };
}
