import type { TImportResult } from "@bridle/contracts";
import { Alert, Button, Group, Input, Paper, Select, SimpleGrid, Stack, Text, Textarea, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useId, useRef, useState } from "react";
import type { ChangeEvent } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { RequirePermission, useCan } from "../../auth/permissions.tsx";
import { errorMessage } from "../../../lib/api.ts";
import { ImportErrorsView } from "../components/ImportErrorsView.tsx";
import { ImportResultView, RemovalList, removalSummary } from "../components/ImportResultView.tsx";
import { exportUrl, formatFromFileName, guessFormat, importRowErrors, useImportInventory } from "../queries.ts";
import type { ImportFormat } from "../queries.ts";

const FORMAT_OPTIONS: { value: ImportFormat; label: string }[] = [
  { value: "csv", label: "CSV (text/csv)" },
  { value: "yaml", label: "YAML (application/yaml)" },
  { value: "json", label: "JSON (application/json)" },
];

/** Import an inventory file (dry run first; `inventory.import`), and export it as CSV or JSON (`inventory.export`). */
export function ImportExportPage() {
  return (
    <RequirePermission permission={["inventory.import", "inventory.export"]}>
      <ImportExport />
    </RequirePermission>
  );
}

function ImportExport() {
  const fileInputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [format, setFormat] = useState<ImportFormat>("yaml");
  const [formatChosen, setFormatChosen] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  // The dry run of an import that removes scope, waiting for the person to confirm it.
  const [confirmPlan, setConfirmPlan] = useState<TImportResult | null>(null);
  // Which button started the request in flight (Import starts with a dry run too).
  const [clicked, setClicked] = useState<"dry-run" | "import">("dry-run");
  const importer = useImportInventory();
  const can = useCan();
  const mayImport = can("inventory.import");
  const mayExport = can("inventory.export");

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.currentTarget.files?.[0];
    importer.reset();
    setConfirmPlan(null);
    setFileError(null);
    if (!file) return;
    try {
      setText(await file.text());
    } catch {
      setFileError("Could not read this file.");
      return;
    }
    setFileName(file.name);
    const detected = formatFromFileName(file.name);
    if (detected) {
      setFormat(detected);
      setFormatChosen(true);
    } else {
      setFileError(`Cannot tell the format of "${file.name}" from its extension; choose it below.`);
    }
  };

  const onPaste = (value: string) => {
    setText(value);
    importer.reset();
    setConfirmPlan(null);
    if (!formatChosen && value.trim() !== "") setFormat(guessFormat(value));
  };

  const run = (dryRun: boolean) =>
    importer.mutate(
      { text, format, dryRun, fileName },
      {
        onSuccess: (result) => {
          if (result.dryRun) return;
          notifications.show({
            color: "teal",
            title: "Inventory imported",
            message: `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged.`,
          });
        },
      },
    );

  /**
   * Import runs a dry run first: when it would remove grants, channels, credential references or
   * service accounts, the person confirms that list before anything is written.
   */
  const importChecked = () => {
    setClicked("import");
    importer.mutate(
      { text, format, dryRun: true, fileName },
      {
        onSuccess: (plan) => {
          if (plan.removals > 0) setConfirmPlan(plan);
          else run(false);
        },
      },
    );
  };

  const confirmRemovals = () => {
    setConfirmPlan(null);
    run(false);
  };

  const clear = () => {
    setText("");
    setFileName(null);
    setFormatChosen(false);
    setFileError(null);
    setConfirmPlan(null);
    importer.reset();
    if (fileInput.current) fileInput.current.value = "";
  };

  const rowErrors = importRowErrors(importer.error);
  const pendingDryRun = importer.isPending && clicked === "dry-run";
  const pendingImport = importer.isPending && clicked === "import";
  const empty = text.trim() === "";

  return (
    <>
      <PageHeader
        title="Import / export"
        description={
          mayImport
            ? "Bring a whole inventory in from a file, or take it out for review or evidence."
            : "Take the inventory out for review or evidence. Importing needs the admin or IT role."
        }
      />
      <Stack gap="lg">
        {mayImport && (
          <Paper withBorder radius="md" p="lg" component="section" aria-label="Import">
            <Title order={2} fz="h4" mb={4}>
              Import
            </Title>
            <Text size="sm" c="dimmed" mb="md">
              Upload or paste a CSV, YAML or JSON inventory. Bots are matched by name: new names are created, known ones
              updated. A column or key the file leaves out keeps its value; an empty cell clears it. Run a dry run to see
              each change; an import that removes grants, channels, credential references or service accounts asks you to
              confirm them first.
            </Text>
            <Stack gap="md">
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Input.Wrapper label="Inventory file" description="A .csv, .yaml, .yml or .json file" id={fileInputId}>
                  <input
                    ref={fileInput}
                    id={fileInputId}
                    type="file"
                    accept=".csv,.yaml,.yml,.json,text/csv,application/yaml,application/json"
                    onChange={(event) => void onFile(event)}
                    style={{ display: "block", marginTop: 6, fontSize: "var(--mantine-font-size-sm)" }}
                  />
                </Input.Wrapper>
                <Select
                  label="Format"
                  description="Set from the file's extension; change it if needed"
                  data={FORMAT_OPTIONS}
                  value={format}
                  onChange={(value) => {
                    if (!value) return;
                    setFormat(value as ImportFormat);
                    setFormatChosen(true);
                  }}
                  allowDeselect={false}
                />
              </SimpleGrid>
              {fileError && (
                <Alert color="orange" variant="light">
                  {fileError}
                </Alert>
              )}
              <Textarea
                label="File contents"
                description={fileName ? `From ${fileName}; you can edit it here` : "Or paste the inventory here"}
                placeholder={"name,owner,team,purpose,environment\nacme-triage-bot,ana@acme.example,platform,Triage issues,production"}
                autosize
                minRows={6}
                maxRows={16}
                value={text}
                onChange={(event) => onPaste(event.currentTarget.value)}
                styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 12 } }}
                spellCheck={false}
              />
              <Group gap="sm">
                <Button variant="default" onClick={() => {
                    setClicked("dry-run");
                    run(true);
                  }} disabled={empty || importer.isPending} loading={pendingDryRun}>
                  Dry run
                </Button>
                <Button onClick={importChecked} disabled={empty || importer.isPending || confirmPlan !== null} loading={pendingImport}>
                  Import
                </Button>
                {!empty && (
                  <Button variant="subtle" color="gray" onClick={clear}>
                    Clear
                  </Button>
                )}
              </Group>

              {importer.isError &&
                (rowErrors ? (
                  <ImportErrorsView message={errorMessage(importer.error)} errors={rowErrors} />
                ) : (
                  <Alert color="red" variant="light" title="Nothing was imported" role="alert">
                    {errorMessage(importer.error)}
                  </Alert>
                ))}
              {importer.isSuccess && <ImportResultView result={importer.data} />}
              <ConfirmDialog
                opened={confirmPlan !== null}
                title="Remove scope from bots?"
                confirmLabel={`Import and remove ${confirmPlan?.removals ?? 0}`}
                onConfirm={confirmRemovals}
                onCancel={() => setConfirmPlan(null)}
              >
                {confirmPlan && (
                  <Stack gap="sm" data-testid="confirm-removals">
                    <Text size="sm">
                      This import removes {removalSummary(confirmPlan.rows.flatMap((row) => row.removals))}. Nothing has been saved yet; the
                      dry run below the dialog shows every change.
                    </Text>
                    {confirmPlan.rows
                      .filter((row) => row.removals.length > 0)
                      .map((row) => (
                        <Stack key={row.row} gap={2}>
                          <Text size="sm" fw={600}>
                            {row.name}
                          </Text>
                          <RemovalList removals={row.removals} />
                        </Stack>
                      ))}
                  </Stack>
                )}
              </ConfirmDialog>
            </Stack>
          </Paper>
        )}

        {mayExport && (
          <Paper withBorder radius="md" p="lg" component="section" aria-label="Export">
            <Title order={2} fz="h4" mb={4}>
              Export
            </Title>
            <Text size="sm" c="dimmed" mb="md">
              Download the whole inventory. Credential references are pointers only; Bridle never exports a secret.
            </Text>
            <Group gap="sm">
              <Button component="a" href={exportUrl("csv")} download variant="default">
                Export CSV
              </Button>
              <Button component="a" href={exportUrl("json")} download variant="default">
                Export JSON
              </Button>
            </Group>
          </Paper>
        )}
      </Stack>
    </>
  );
}
