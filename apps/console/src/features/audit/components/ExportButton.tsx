import { Alert, Button, Code, Group, Modal, Progress, SegmentedControl, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useRef, useState } from "react";
import { errorMessage } from "../../../lib/api.ts";
import { plural } from "../../../lib/format.ts";
import { downloadAuditExport, formatBytes } from "../export.ts";
import type { ExportFormat, ExportProgress, ExportResult } from "../export.ts";
import { hasAuditFilters } from "../search.ts";
import type { AuditSearch } from "../search.ts";

type State =
  | { step: "choose" }
  | { step: "running"; progress: ExportProgress }
  | { step: "done"; result: ExportResult }
  | { step: "failed"; error: unknown };

/**
 * The documented offline check of an export file (docs/AUDIT.md). The server seals and
 * checkpoints the log (this export's own `audit.export` event included) before it streams, so a
 * fresh export verifies as it is; events written while it streams come as unsealed, and the
 * command then says to pass `--allow-unsealed` to list them as UNVERIFIED.
 */
export const verifyCommand = (fileName: string) =>
  `pnpm bridle audit verify --file ${fileName} --jwks ${window.location.origin}/.well-known/jwks.json`;

/**
 * "Export": the events matching the page's filters, with the hash chain and signed checkpoints,
 * as NDJSON or CSV, streamed with its progress shown, then saved as a file that verifies offline.
 */
export function ExportButton({ search }: { search: AuditSearch }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [format, setFormat] = useState<ExportFormat>("ndjson");
  const [state, setState] = useState<State>({ step: "choose" });
  const abort = useRef<AbortController | null>(null);

  const start = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setState({ step: "running", progress: { bytes: 0, records: 0 } });
    try {
      const result = await downloadAuditExport({ search, format, signal: controller.signal, onProgress: (progress) => setState({ step: "running", progress }) });
      setState({ step: "done", result });
    } catch (error) {
      setState(controller.signal.aborted ? { step: "choose" } : { step: "failed", error });
    } finally {
      abort.current = null;
    }
  };
  const cancel = () => abort.current?.abort();
  const dismiss = () => {
    cancel();
    setState({ step: "choose" });
    close();
  };

  return (
    <>
      <Button variant="default" onClick={open}>
        Export
      </Button>
      <Modal opened={opened} onClose={dismiss} title="Export the audit log" size="lg">
        <Stack gap="md">
          <Text size="sm">
            {hasAuditFilters(search) ? "The events matching the current filters" : "Every event"}, with the hash chain and the signed checkpoints, so the file can be verified offline.
            The export is recorded in the audit log.
          </Text>
          <SegmentedControl
            value={format}
            onChange={(value) => setFormat(value as ExportFormat)}
            disabled={state.step === "running"}
            aria-label="Format"
            data={[
              { value: "ndjson", label: "NDJSON (one record a line)" },
              { value: "csv", label: "CSV (spreadsheets)" },
            ]}
          />
          {state.step === "running" && (
            <Stack gap={6} data-testid="export-progress">
              <Progress value={100} striped animated aria-label="Export in progress" />
              <Text size="sm" aria-live="polite">
                Received {formatBytes(state.progress.bytes)} · {plural(state.progress.records, "record")}
              </Text>
            </Stack>
          )}
          {state.step === "done" && (
            <Alert color="teal" variant="light" title="Export saved" data-testid="export-done">
              <Stack gap="xs">
                <Text size="sm">
                  {state.result.fileName}: {formatBytes(state.result.bytes)}, {plural(state.result.records, "record")}.
                </Text>
                <Text size="sm">
                  Verify it offline, from a checkout of Bridle (events not yet covered by a signed checkpoint, such as this export's own, are
                  listed as unverified):
                </Text>
                <Code block data-testid="export-verify-command" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                  {verifyCommand(state.result.fileName)}
                </Code>
              </Stack>
            </Alert>
          )}
          {state.step === "failed" && (
            <Alert color="red" variant="light" title="The export failed" role="alert">
              {errorMessage(state.error)} Nothing was saved.
            </Alert>
          )}
          <Group justify="flex-end">
            {state.step === "running" ? (
              <Button variant="default" onClick={cancel}>
                Cancel
              </Button>
            ) : (
              <>
                <Button variant="default" onClick={dismiss}>
                  Close
                </Button>
                <Button onClick={() => void start()}>{state.step === "done" ? "Export again" : "Start export"}</Button>
              </>
            )}
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
