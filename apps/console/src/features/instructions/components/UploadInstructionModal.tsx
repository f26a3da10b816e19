import { INSTRUCTION_EXTENSIONS, INSTRUCTION_MAX_BYTES, WELL_KNOWN_INSTRUCTION_FILES, utf8Bytes } from "@bridle/contracts";
import { Autocomplete, Button, Checkbox, FileButton, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import type { FormEvent } from "react";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { useUploadInstruction } from "../queries.ts";

export type UploadStart = { name: string; content: string; loadedByDefault: boolean; requiresReview: boolean } | null;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB`;

/**
 * Uploads a new version of an instruction file: typed or pasted into the text area, or read from a
 * file on disk. Opened on a file, it starts from that file's current content. The server refuses a
 * version that looks like it holds a secret, naming the line and rule; what was typed is kept.
 */
export function UploadInstructionModal({
  botId,
  start,
  existing,
  onClose,
  onUploaded,
}: {
  botId: string;
  /** the file to start from (its current content), or null for a new file; undefined: closed */
  start: UploadStart | undefined;
  existing: string[];
  onClose: () => void;
  onUploaded: (name: string, version: number) => void;
}) {
  return (
    <Modal opened={start !== undefined} onClose={onClose} title={start ? `New version of ${start.name}` : "Upload an instruction file"} size="xl" closeButtonProps={{ "aria-label": "Close" }}>
      {start !== undefined && <UploadForm key={start?.name ?? "new"} botId={botId} start={start} existing={existing} onClose={onClose} onUploaded={onUploaded} />}
    </Modal>
  );
}

function UploadForm({ botId, start, existing, onClose, onUploaded }: { botId: string; start: UploadStart; existing: string[]; onClose: () => void; onUploaded: (name: string, version: number) => void }) {
  const upload = useUploadInstruction(botId);
  const [name, setName] = useState(start?.name ?? "");
  const [content, setContent] = useState(start?.content ?? "");
  const [loaded, setLoaded] = useState(start?.loadedByDefault ?? true);
  const [readError, setReadError] = useState<string | null>(null);
  const errorAt = errorLookup(formIssues(upload.error));
  const bytes = utf8Bytes(content);
  const tooBig = bytes > INSTRUCTION_MAX_BYTES;
  const names = [...new Set([...existing, ...WELL_KNOWN_INSTRUCTION_FILES])];

  const readFile = async (file: File | null) => {
    if (!file) return;
    setReadError(null);
    upload.reset();
    if (file.size > INSTRUCTION_MAX_BYTES) return setReadError(`${file.name} is ${kib(file.size)}; a version holds at most ${kib(INSTRUCTION_MAX_BYTES)}.`);
    setContent(await file.text());
    if (!start && !name) setName(file.name);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    upload.mutate(
      { name: name.trim(), content, loadedByDefault: loaded },
      {
        onSuccess: (v) => {
          notifications.show(
            v.unchanged
              ? { color: "gray", title: "Nothing changed", message: `${v.file} already has this content (version ${v.version}).` }
              : v.status === "pending_review"
                ? { color: "yellow", title: `${v.file} version ${v.version} waits for review`, message: "The bot's owner or security reviews it; until then the current version stays in force." }
                : { color: "teal", title: `${v.file} version ${v.version} uploaded`, message: "It is the current version now." },
          );
          onUploaded(v.file, v.version);
          onClose();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Upload an instruction version">
      <Stack gap="md">
        {!start && (
          <Autocomplete
            label="File name"
            description={`e.g. SOUL.md; letters, digits, . _ -, ending in ${INSTRUCTION_EXTENSIONS.join(", ")}`}
            required
            data={names}
            value={name}
            onChange={(value) => (upload.reset(), setName(value))}
            error={errorAt("name")}
            data-autofocus
          />
        )}
        {start?.requiresReview && (
          <Text size="sm" c="yellow.9">
            {start.name} requires review: this version waits for the bot's owner or security before it is in force.
          </Text>
        )}
        <Textarea
          label="Content"
          description={`UTF-8 text, at most ${kib(INSTRUCTION_MAX_BYTES)}. Never put a secret here: Bridle refuses a version that looks like it holds one.`}
          autosize
          minRows={10}
          maxRows={24}
          styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13 } }}
          value={content}
          onChange={(event) => (upload.reset(), setContent(event.currentTarget.value))}
          error={errorAt("content") ?? (tooBig ? `This is ${kib(bytes)}; a version holds at most ${kib(INSTRUCTION_MAX_BYTES)}.` : readError ?? undefined)}
          data-autofocus={start ? true : undefined}
        />
        <Group justify="space-between">
          <FileButton onChange={(file) => void readFile(file)} accept={INSTRUCTION_EXTENSIONS.join(",")}>
            {(props) => (
              <Button variant="default" size="xs" {...props}>
                Load from a file…
              </Button>
            )}
          </FileButton>
          <Text size="xs" c={tooBig ? "red" : "dimmed"}>
            {kib(bytes)} of {kib(INSTRUCTION_MAX_BYTES)}
          </Text>
        </Group>
        <Checkbox label="Loaded into the agent's context at every session start" checked={loaded} onChange={(event) => setLoaded(event.currentTarget.checked)} />
        {upload.error != null && <MutationErrorAlert error={upload.error} title="Could not upload this version" />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={upload.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={upload.isPending} disabled={tooBig}>
            Upload version
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
