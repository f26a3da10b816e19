import { SIEM_KIND_LABELS, siemEndpointProblem, type TSiemDestination, type TSiemKind, type TSiemTestResult } from "@bridle/contracts";
import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, SegmentedControl, Stack, Table, Text, TextInput, Textarea } from "@mantine/core";
import { useState } from "react";
import type { FormEvent } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog.tsx";
import { MutationErrorAlert } from "../../../components/MutationErrorAlert.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { RelativeTime } from "../../../components/RelativeTime.tsx";
import { EmptyBlock, ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { errorLookup, formIssues } from "../../../lib/form-errors.ts";
import { RequirePermission, useCan } from "../../auth/permissions.tsx";
import { useCreateSiemDestination, useDeleteSiemDestination, useSiemDestinations, useTestSiemDestination, useUpdateSiemDestination } from "../queries.ts";

/** SIEM streaming (`siem.read` to see, `siem.manage` to change): where the audit log streams, and how far delivery is. */
export function SiemPage() {
  return (
    <RequirePermission permission="siem.read">
      <Siem />
    </RequirePermission>
  );
}

function Siem() {
  const can = useCan();
  const manage = can("siem.manage");
  const list = useSiemDestinations();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<TSiemDestination | null>(null);
  return (
    <>
      <PageHeader
        title="SIEM streaming"
        description="Every audit event, runtime events and decisions included, streams in the log's order to your log platform: syslog (RFC 5424 over TLS) or Splunk HEC. Delivery is at least once from a durable cursor: after an outage it resumes where the receiver stopped taking events."
        actions={manage && <Button onClick={() => setAdding(true)}>Add destination</Button>}
      />
      {list.isPending ? (
        <LoadingBlock label="Loading SIEM destinations" />
      ) : list.isError ? (
        <ErrorBlock title="Could not load the SIEM destinations" error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <EmptyBlock
          title="Nothing streams to a SIEM yet"
          description={manage ? "Add a syslog receiver or a Splunk HEC collector to start." : "An admin adds destinations."}
          action={manage && <Button onClick={() => setAdding(true)}>Add destination</Button>}
        />
      ) : (
        <Stack gap="md">
          {list.data.items.map((d) => (
            <DestinationCard key={d.id} d={d} manage={manage} onEdit={() => setEditing(d)} />
          ))}
        </Stack>
      )}
      {adding && <DestinationForm onClose={() => setAdding(false)} />}
      {editing && <DestinationForm existing={editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function DestinationCard({ d, manage, onEdit }: { d: TSiemDestination; manage: boolean; onEdit: () => void }) {
  const update = useUpdateSiemDestination();
  const remove = useDeleteSiemDestination();
  const test = useTestSiemDestination();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [tested, setTested] = useState<TSiemTestResult | null>(null);
  const s = d.status;
  const state = !d.enabled ? { label: "Paused", color: "gray" } : s.failures > 0 ? { label: "Failing", color: "red" } : s.lag === 0 ? { label: "Caught up", color: "teal" } : { label: "Sending", color: "blue" };
  return (
    <Paper withBorder radius="md" p="lg" data-testid="siem-destination">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Group gap="xs">
            <Text fw={600}>{d.name}</Text>
            <Badge color={state.color} variant="light">
              {state.label}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {SIEM_KIND_LABELS[d.kind]} · {d.endpoint}
            {d.tokenHint ? ` · token ${d.tokenHint}` : ""}
            {!d.tlsVerify ? " · certificate not checked" : d.tlsCaPem ? " · own CA" : ""}
          </Text>
        </Stack>
        {manage && (
          <Group gap="xs">
            <Button size="xs" variant="default" loading={test.isPending} onClick={() => test.mutate(d.id, { onSuccess: setTested })}>
              Test
            </Button>
            <Button size="xs" variant="default" onClick={onEdit}>
              Edit
            </Button>
            <Button size="xs" variant="default" loading={update.isPending} onClick={() => update.mutate({ id: d.id, body: { enabled: !d.enabled } })}>
              {d.enabled ? "Pause" : "Resume"}
            </Button>
            <Button size="xs" color="red" variant="light" onClick={() => setConfirmDelete(true)}>
              Remove
            </Button>
          </Group>
        )}
      </Group>
      <Table mt="sm" fz="sm" withRowBorders={false} layout="fixed">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={180}>Behind</Table.Th>
            <Table.Td>
              {s.lag === 0 ? "nothing: every sealed event was taken" : `${s.lag.toLocaleString()} events`}
              {s.lag > 0 && s.lagSeconds !== null ? ` (${Math.round(s.lagSeconds)} s of the log)` : ""}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Cursor</Table.Th>
            <Table.Td>
              position {s.position.toLocaleString()} of {s.headPosition.toLocaleString()}; {s.delivered.toLocaleString()} events delivered
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Last delivered</Table.Th>
            <Table.Td>{s.lastDeliveredAt ? <RelativeTime value={s.lastDeliveredAt} /> : "never"}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>Last error</Table.Th>
            <Table.Td>
              {s.lastError ? (
                <>
                  {s.lastError} {s.lastErrorAt && <RelativeTime value={s.lastErrorAt} />}
                  {s.failures > 0 ? ` · ${s.failures} failed attempts in a row, retrying with backoff` : " · delivery has succeeded since"}
                </>
              ) : (
                "none"
              )}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      {tested && (
        <Alert mt="sm" color={tested.ok ? "teal" : "red"} title={tested.ok ? "Test message delivered" : "Test failed"} withCloseButton onClose={() => setTested(null)}>
          {tested.message} ({tested.durationMs} ms)
        </Alert>
      )}
      <MutationErrorAlert error={test.error ?? update.error} title="That did not work" />
      <ConfirmDialog
        opened={confirmDelete}
        title={`Remove ${d.name}?`}
        confirmLabel="Remove destination"
        color="red"
        loading={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate(d.id, { onSuccess: () => setConfirmDelete(false) })}
        onCancel={() => setConfirmDelete(false)}
      >
        Nothing more is sent to it, and its cursor is deleted: adding it again starts over. The audit log itself is not changed.
      </ConfirmDialog>
    </Paper>
  );
}

function DestinationForm({ existing, onClose }: { existing?: TSiemDestination; onClose: () => void }) {
  const create = useCreateSiemDestination();
  const update = useUpdateSiemDestination();
  const mutation = existing ? update : create;
  const [kind, setKind] = useState<TSiemKind>(existing?.kind ?? "syslog");
  const [name, setName] = useState(existing?.name ?? "");
  const [endpoint, setEndpoint] = useState(existing?.endpoint ?? "");
  const [token, setToken] = useState("");
  const [ca, setCa] = useState(existing?.tlsCaPem ?? "");
  const [verify, setVerify] = useState(existing?.tlsVerify ?? true);
  const [startNow, setStartNow] = useState(false);
  const [touched, setTouched] = useState(false);
  const endpointProblem = endpoint.trim() ? siemEndpointProblem(kind, endpoint.trim()) : "is required";
  const errorAt = errorLookup(formIssues(mutation.error));

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setTouched(true);
    if (!name.trim() || endpointProblem || (kind === "http" && !existing && !token)) return;
    const tlsCaPem = ca.trim() ? ca.trim() : null;
    if (existing)
      update.mutate(
        { id: existing.id, body: { name: name.trim(), endpoint: endpoint.trim(), tlsCaPem, tlsVerify: verify, ...(token ? { token } : {}) } },
        { onSuccess: onClose },
      );
    else
      create.mutate(
        { name: name.trim(), kind, endpoint: endpoint.trim(), tlsCaPem, tlsVerify: verify, ...(kind === "http" ? { token } : {}), startFrom: startNow ? "now" : "beginning" },
        { onSuccess: onClose },
      );
  };

  return (
    <Modal opened onClose={onClose} title={existing ? `Edit ${existing.name}` : "Add a SIEM destination"} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          {!existing && (
            <SegmentedControl
              value={kind}
              onChange={(v) => setKind(v as TSiemKind)}
              data={[
                { value: "syslog", label: SIEM_KIND_LABELS.syslog },
                { value: "http", label: SIEM_KIND_LABELS.http },
              ]}
            />
          )}
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={(touched && !name.trim() ? "Name is required" : undefined) ?? errorAt("name")} />
          <TextInput
            label={kind === "syslog" ? "Receiver (host:port)" : "HEC URL"}
            placeholder={kind === "syslog" ? "siem.example.com:6514" : "https://splunk.example.com:8088/services/collector/event"}
            required
            value={endpoint}
            onChange={(e) => setEndpoint(e.currentTarget.value)}
            error={(touched && endpointProblem ? `Endpoint ${endpointProblem}` : undefined) ?? errorAt("endpoint")}
          />
          {kind === "http" && (
            <TextInput
              label="HEC token"
              type="password"
              autoComplete="off"
              required={!existing}
              description={existing ? `Stored encrypted (${existing.tokenHint ?? "none"}); leave empty to keep it` : "Stored encrypted; shown afterwards only as its last 4 characters"}
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              error={(touched && !existing && !token ? "HEC token is required" : undefined) ?? errorAt("token")}
            />
          )}
          <Textarea
            label="CA certificate (PEM)"
            description="The CA that signs the receiver's certificate; empty: the system's trusted CAs"
            autosize
            minRows={3}
            maxRows={8}
            value={ca}
            onChange={(e) => setCa(e.currentTarget.value)}
            error={errorAt("tlsCaPem")}
          />
          <Checkbox label="Check the receiver's certificate and name (turn off only in a lab)" checked={verify} onChange={(e) => setVerify(e.currentTarget.checked)} />
          {!existing && (
            <Checkbox
              label="Send only events from now on (otherwise the whole retained audit log is sent first)"
              checked={startNow}
              onChange={(e) => setStartNow(e.currentTarget.checked)}
            />
          )}
          <MutationErrorAlert error={formIssues(mutation.error).length ? null : mutation.error} title="The destination was not saved" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {existing ? "Save" : "Add destination"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
