import type { TBot, TInstructionFile, TInstructionVersionSummary } from "@bridle/contracts";
import { INSTRUCTION_REVIEW_REFUSAL_TEXT, instructionReviewRefusal } from "@bridle/policy";
import {
  Accordion,
  Alert,
  Badge,
  Breadcrumbs,
  Button,
  Code,
  Grid,
  Group,
  NavLink,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import { AnchorLink, ButtonLink } from "../../../components/links.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorMessage, isApiError } from "../../../lib/api.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { canManageBot, useCan } from "../../auth/permissions.tsx";
import { useMe } from "../../auth/queries.ts";
import { useBot } from "../../bots/queries.ts";
import { DiffView } from "../components/DiffView.tsx";
import { UploadInstructionModal, type UploadStart } from "../components/UploadInstructionModal.tsx";
import { ActorText, ShortSha, VersionStatusBadge } from "../components/VersionBadges.tsx";
import { useInstructionFiles, useInstructionSet, useInstructionVersion, useInstructionVersions, useReviewInstruction, useUpdateInstructionFile } from "../queries.ts";
import { validateInstructionSearch, type InstructionSearch } from "../search.ts";

const route = getRouteApi("/bots/$botId/instructions");

/**
 * A bot's persistent instructions: each file's history and the diff between any two versions,
 * uploads, reviews of versions waiting for one, and the whole set as it was at a chosen time.
 */
export function BotInstructionsPage() {
  const { botId } = route.useParams();
  const bot = useBot(botId);
  if (bot.isPending) return <LoadingBlock label="Loading bot" />;
  if (bot.isError)
    return isApiError(bot.error) && (bot.error.status === 404 || bot.error.status === 400) ? (
      <EmptyBlock title="Bot not found" description="There is no bot with this id." action={<ButtonLink to="/bots" variant="default">Back to the inventory</ButtonLink>} />
    ) : (
      <ErrorBlock title="Could not load this bot" error={bot.error} onRetry={() => void bot.refetch()} />
    );
  return <Instructions bot={bot.data} />;
}

function Instructions({ bot }: { bot: TBot }) {
  const search = validateInstructionSearch(route.useSearch());
  const navigate = route.useNavigate();
  const setSearch = (patch: Partial<InstructionSearch>) => void navigate({ search: (previous) => validateInstructionSearch({ ...previous, ...patch }), replace: true });
  const me = useMe();
  const mayEdit = canManageBot(me.data, bot) && bot.status !== "offboarded";
  const files = useInstructionFiles(bot.id);
  const [upload, setUpload] = useState<UploadStart | undefined>(undefined);
  const names = files.data?.items.map((f) => f.name) ?? [];
  const selected = files.data?.items.find((f) => f.name === search.file) ?? files.data?.items[0];

  return (
    <>
      <PageHeader
        above={
          <Breadcrumbs>
            <AnchorLink to="/bots" size="sm">
              Inventory
            </AnchorLink>
            <AnchorLink to="/bots/$botId" params={{ botId: bot.id }} size="sm">
              {bot.name}
            </AnchorLink>
            <Text size="sm">Instructions</Text>
          </Breadcrumbs>
        }
        title={`Instructions of ${bot.name}`}
        description="The files that steer this agent across sessions (SOUL.md, MEMORY.md, ...), each kept as versions. Only approved versions are in force."
        actions={mayEdit ? <Button onClick={() => setUpload(null)}>Upload a file</Button> : null}
      />
      <Tabs value={search.tab ?? "files"} onChange={(tab) => setSearch({ tab: tab === "at" ? "at" : undefined })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="files">Files and history</Tabs.Tab>
          <Tabs.Tab value="at">As of a time</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="files">
          {files.isPending ? (
            <LoadingBlock label="Loading instruction files" />
          ) : files.isError ? (
            <ErrorBlock title="Could not load the instruction files" error={files.error} onRetry={() => void files.refetch()} />
          ) : !selected ? (
            <EmptyBlock
              title="No instruction files yet"
              description={
                mayEdit
                  ? "Upload SOUL.md, AGENTS.md, MEMORY.md or other files here, or let the bot's runtime upload them with its token."
                  : "The bot's owner, or its runtime with its token, uploads its instruction files."
              }
              action={mayEdit ? <Button onClick={() => setUpload(null)}>Upload a file</Button> : null}
            />
          ) : (
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, md: 3 }}>
                <Paper withBorder radius="md" p="xs" component="nav" aria-label="Instruction files">
                  {files.data.items.map((f) => (
                    <NavLink
                      key={f.name}
                      label={<Text ff="monospace" size="sm">{f.name}</Text>}
                      description={f.current ? `version ${f.current.version}` : "no version in force"}
                      active={f.name === selected.name}
                      onClick={() => setSearch({ file: f.name, from: undefined, to: undefined })}
                      rightSection={f.pending ? <Badge size="xs" color="yellow" variant="light">review</Badge> : null}
                      style={{ borderRadius: "var(--mantine-radius-sm)" }}
                    />
                  ))}
                </Paper>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 9 }}>
                <FilePanel key={selected.name} bot={bot} file={selected} mayEdit={mayEdit} search={search} setSearch={setSearch} onUpload={(start) => setUpload(start)} />
              </Grid.Col>
            </Grid>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="at">
          <AtTime botId={bot.id} at={search.at} onAt={(at) => setSearch({ at })} />
        </Tabs.Panel>
      </Tabs>
      <UploadInstructionModal
        botId={bot.id}
        start={upload}
        existing={names}
        onClose={() => setUpload(undefined)}
        onUploaded={(name, version) => setSearch({ tab: undefined, file: name, to: version, from: version > 1 ? version - 1 : undefined })}
      />
    </>
  );
}

function FilePanel({
  bot,
  file,
  mayEdit,
  search,
  setSearch,
  onUpload,
}: {
  bot: TBot;
  file: TInstructionFile;
  mayEdit: boolean;
  search: InstructionSearch;
  setSearch: (patch: Partial<InstructionSearch>) => void;
  onUpload: (start: UploadStart) => void;
}) {
  const can = useCan();
  const security = can("instructions.review");
  const versions = useInstructionVersions(bot.id, file.name);
  const latest = useInstructionVersion(bot.id, file.name, file.latest.version);
  const settings = useUpdateInstructionFile(bot.id);
  const items = versions.data?.items ?? [];
  const to = search.to ?? file.latest.version;
  const from = search.from ?? (to > 1 ? to - 1 : undefined);
  const mayToggle = file.requiresReview ? security : security || mayEdit;

  const startUpload = () =>
    onUpload({ name: file.name, content: latest.data?.content ?? "", loadedByDefault: file.latest.loadedByDefault, requiresReview: file.requiresReview });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2} fz="h3" ff="monospace">
            {file.name}
          </Title>
          <Group gap="xs">
            {file.current ? (
              <Text size="sm" c="dimmed">
                Version {file.current.version} in force since {formatDateTime(file.current.currentFrom)} · <ShortSha sha={file.current.sha256} />
              </Text>
            ) : (
              <Text size="sm" c="dimmed">
                No version in force yet
              </Text>
            )}
            {file.current && (
              <Badge variant="light" color={file.current.loadedByDefault ? "blue" : "gray"} radius="sm">
                {file.current.loadedByDefault ? "Loaded by default" : "Loaded on demand"}
              </Badge>
            )}
          </Group>
        </Stack>
        <Group gap="sm">
          <Switch
            label="Requires review"
            checked={file.requiresReview}
            disabled={!mayToggle || settings.isPending}
            title={mayToggle ? undefined : file.requiresReview ? "Only security turns review off" : "Only whoever manages this bot, or security, turns review on"}
            onChange={(event) =>
              settings.mutate(
                { name: file.name, requiresReview: event.currentTarget.checked },
                { onError: (error) => notifications.show({ color: "red", title: "Could not change the review setting", message: errorMessage(error) }) },
              )
            }
          />
          {mayEdit && (
            <Button variant="default" onClick={startUpload} loading={latest.isPending}>
              Upload new version
            </Button>
          )}
        </Group>
      </Group>

      {file.pending && <PendingReview bot={bot} file={file} version={file.pending} onCompare={() => setSearch({ to: file.pending!.version, from: file.current?.version })} />}

      <Paper withBorder radius="md">
        {versions.isPending ? (
          <LoadingBlock label="Loading the history" />
        ) : versions.isError ? (
          <ErrorBlock title="Could not load the history" error={versions.error} onRetry={() => void versions.refetch()} />
        ) : (
          <Table.ScrollContainer minWidth={760}>
            <Table verticalSpacing="xs" aria-label={`History of ${file.name}`} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th miw={150}>Status</Table.Th>
                  <Table.Th>Uploaded</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Reviewed</Table.Th>
                  <Table.Th aria-label="Compare" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((v) => (
                  <Table.Tr key={v.id} data-testid="version-row" data-version={v.version}>
                    <Table.Td>v{v.version}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <VersionStatusBadge status={v.status} current={file.current?.version === v.version} />
                    </Table.Td>
                    <Table.Td>
                      <ActorText actor={v.uploadedBy} />
                      <Text size="xs" c="dimmed">
                        {formatDateTime(v.uploadedAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <ShortSha sha={v.sha256} />
                    </Table.Td>
                    <Table.Td>
                      {v.reviewedBy ? (
                        <>
                          <Text size="sm" title={v.reviewNote ?? undefined}>
                            {v.reviewedBy.label}
                          </Text>
                          <Text size="xs" c="dimmed">
                            {formatDateTime(v.reviewedAt)}
                          </Text>
                        </>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {v.reviewRequired ? "—" : "No review needed"}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {v.version > 1 && (
                        <Button size="compact-xs" variant="subtle" onClick={() => setSearch({ from: v.version - 1, to: v.version })} aria-label={`Changes in v${v.version}`}>
                          Changes
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>

      <Compare bot={bot} file={file} versions={items} from={from} to={to} view={search.view ?? "unified"} setSearch={setSearch} />
    </Stack>
  );
}

function PendingReview({ bot, file, version, onCompare }: { bot: TBot; file: TInstructionFile; version: TInstructionVersionSummary; onCompare: () => void }) {
  const me = useMe();
  const can = useCan();
  const review = useReviewInstruction(bot.id);
  const [note, setNote] = useState("");
  const refusal = me.data
    ? instructionReviewRefusal(
        { personId: me.data.id, roles: me.data.roles, mayReviewAny: can("instructions.review"), isBotIdentity: false },
        { status: version.status, botOwnerId: bot.owner?.id ?? null, uploadedByPersonId: version.uploadedBy.type === "person" ? version.uploadedBy.id : null },
      )
    : "not_reviewer";
  const decide = (decision: "approve" | "reject") =>
    review.mutate(
      { name: file.name, version: version.version, decision, note: note.trim() ? note.trim() : null },
      { onSuccess: () => notifications.show({ color: decision === "approve" ? "teal" : "orange", title: `${file.name} version ${version.version} ${decision === "approve" ? "approved: it is in force now" : "rejected"}`, message: "Recorded in the audit log." }) },
    );
  return (
    <Alert color="yellow" variant="light" title={`Version ${version.version} waits for review`} data-testid="pending-review">
      <Stack gap="xs">
        <Text size="sm">
          Uploaded by <ActorText actor={version.uploadedBy} /> on {formatDateTime(version.uploadedAt)}. Until it is approved, {file.current ? `version ${file.current.version}` : "no version"} stays in force.{" "}
          <Button size="compact-xs" variant="subtle" onClick={onCompare}>
            Show the changes
          </Button>
        </Text>
        {refusal ? (
          <Text size="sm" c="dimmed">
            {INSTRUCTION_REVIEW_REFUSAL_TEXT[refusal]}.
          </Text>
        ) : (
          <>
            <Textarea label="Review note" autosize minRows={1} value={note} onChange={(event) => setNote(event.currentTarget.value)} />
            {review.error != null && <MutationErrorAlert error={review.error} title="Could not record the review" />}
            <Group gap="xs">
              <Button size="xs" color="teal" onClick={() => decide("approve")} loading={review.isPending}>
                Approve version {version.version}
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => decide("reject")} loading={review.isPending}>
                Reject
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </Alert>
  );
}

function Compare({
  bot,
  file,
  versions,
  from,
  to,
  view,
  setSearch,
}: {
  bot: TBot;
  file: TInstructionFile;
  versions: TInstructionVersionSummary[];
  from: number | undefined;
  to: number;
  view: "unified" | "split";
  setSearch: (patch: Partial<InstructionSearch>) => void;
}) {
  const before = useInstructionVersion(bot.id, file.name, from);
  const after = useInstructionVersion(bot.id, file.name, to);
  const options = versions.map((v) => ({ value: String(v.version), label: `v${v.version} · ${v.status.replace("_", " ")} · ${formatDateTime(v.uploadedAt)}` }));
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-label="Compare versions">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Group align="flex-end">
            <Select label="From" w={300} data={options} value={from ? String(from) : null} placeholder="Choose a version" onChange={(v) => setSearch({ from: v ? Number(v) : undefined })} allowDeselect={false} />
            <Select label="To" w={300} data={options} value={String(to)} onChange={(v) => v && setSearch({ to: Number(v) })} allowDeselect={false} />
          </Group>
          <SegmentedControl
            aria-label="Diff layout"
            data={[
              { value: "unified", label: "Unified" },
              { value: "split", label: "Side by side" },
            ]}
            value={view}
            onChange={(v) => setSearch({ view: v === "split" ? "split" : undefined })}
          />
        </Group>
        {after.isError || before.isError ? (
          <ErrorBlock title="Could not load the versions" error={after.error ?? before.error} />
        ) : after.isPending || (from !== undefined && before.isPending) ? (
          <LoadingBlock label="Loading the versions" />
        ) : from === undefined ? (
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              Version {to} is the first: its whole content.
            </Text>
            <Code block fz="xs" style={{ maxHeight: 480, overflow: "auto" }}>
              {after.data.content}
            </Code>
          </Stack>
        ) : (
          <DiffView before={before.data!.content} after={after.data.content} mode={view} label={`Changes from v${from} to v${to} of ${file.name}`} />
        )}
      </Stack>
    </Paper>
  );
}

const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** The whole set in force at a chosen moment (in the browser's time zone), each file with its version, hash and content. */
function AtTime({ botId, at, onAt }: { botId: string; at: string | undefined; onAt: (at: string | undefined) => void }) {
  const set = useInstructionSet(botId, at ?? null);
  const [text, setText] = useState(at ? toLocalInput(at) : "");
  const apply = (value: string) => {
    setText(value);
    const d = new Date(value);
    if (value && !Number.isNaN(d.getTime())) onAt(d.toISOString());
  };
  return (
    <Stack gap="md">
      <Group align="flex-end">
        <TextInput
          type="datetime-local"
          step={1}
          label="As of"
          description="In your time zone; the answer shows UTC"
          value={text}
          onChange={(event) => apply(event.currentTarget.value)}
          w={260}
        />
        <Button
          variant="default"
          onClick={() => {
            setText("");
            onAt(undefined);
          }}
        >
          Now
        </Button>
      </Group>
      {set.isPending ? (
        <LoadingBlock label="Loading the instructions" />
      ) : set.isError ? (
        <ErrorBlock title="Could not load the instructions at that time" error={set.error} onRetry={() => void set.refetch()} />
      ) : (
        <Stack gap="xs" style={{ opacity: set.isPlaceholderData ? 0.55 : 1 }}>
          <Text size="sm" data-testid="instructions-at">
            As of {formatDateTime(set.data.at)}: {set.data.files.length === 0 ? "no instruction file was in force." : `${set.data.files.length} ${set.data.files.length === 1 ? "file" : "files"} in force.`}
          </Text>
          {set.data.files.length > 0 && (
            <Accordion variant="separated" multiple>
              {set.data.files.map((f) => (
                <Accordion.Item key={f.file} value={f.file} data-testid="file-at">
                  <Accordion.Control>
                    <Group gap="sm">
                      <Text ff="monospace" size="sm" fw={600}>
                        {f.file}
                      </Text>
                      <Text size="sm">v{f.version}</Text>
                      <Text size="xs" c="dimmed">
                        since {formatDateTime(f.currentFrom)} · <ShortSha sha={f.sha256} /> · {f.loadedByDefault ? "loaded by default" : "loaded on demand"}
                      </Text>
                    </Group>
                  </Accordion.Control>
                  <Accordion.Panel>
                    <Code block fz="xs" style={{ maxHeight: 480, overflow: "auto" }}>
                      {f.content}
                    </Code>
                  </Accordion.Panel>
                </Accordion.Item>
              ))}
            </Accordion>
          )}
        </Stack>
      )}
    </Stack>
  );
}
