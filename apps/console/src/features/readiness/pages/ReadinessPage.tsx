import { Stack } from "@mantine/core";
import { ButtonLink } from "../../../components/links.tsx";
import { PageHeader } from "../../../components/PageHeader.tsx";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { RequirePermission } from "../../auth/permissions.tsx";
import { ControlRow } from "../components/ControlRow.tsx";
import { ReadinessVerdict } from "../components/ReadinessVerdict.tsx";
import { useReadiness } from "../queries.ts";

/** Is the organization ready for broad production use of agents? One line per control, each linking to what fails it. */
export function ReadinessPage() {
  return (
    <>
      <PageHeader
        title="Readiness"
        description="Is this organization ready for broad production use of agents? Each control is checked against the organization's data now; follow a line's links to what fails it."
      />
      <RequirePermission permission="bots.read_all">
        <ReadinessBody />
      </RequirePermission>
    </>
  );
}

function ReadinessBody() {
  const readiness = useReadiness();
  if (readiness.isPending) return <LoadingBlock label="Checking readiness" />;
  if (readiness.isError) return <ErrorBlock title="Could not check readiness" error={readiness.error} onRetry={() => void readiness.refetch()} />;
  const data = readiness.data;
  return (
    <Stack gap="md">
      <ReadinessVerdict readiness={data} />
      {data.bots === 0 && (
        <ButtonLink to="/bots" variant="light" style={{ alignSelf: "flex-start" }}>
          Open the inventory
        </ButtonLink>
      )}
      {data.controls.map((control) => (
        <ControlRow key={control.id} control={control} />
      ))}
    </Stack>
  );
}
