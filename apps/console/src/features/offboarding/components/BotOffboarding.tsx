import { Paper, Text, Title } from "@mantine/core";
import { AnchorLink } from "../../../components/links.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { planLabel } from "../pages/OffboardingPage.tsx";
import { useOffboardingCase, useOffboardingCases } from "../queries.ts";
import { OffboardingChecklist } from "./OffboardingChecklist.tsx";

function LatestCase({ caseId }: { caseId: string }) {
  const c = useOffboardingCase(caseId);
  if (!c.data) return null;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Offboarding">
      <Title order={2} fz="h4" mb="xs">
        Offboarding: {planLabel(c.data)}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {c.data.reason} ·{" "}
        <AnchorLink to="/offboarding/$caseId" params={{ caseId }} size="sm">
          Open the case
        </AnchorLink>
      </Text>
      <OffboardingChecklist offboardingCase={c.data} />
    </Paper>
  );
}

/** The bot page's offboarding checklist: its newest case, if any (readers of every bot). */
export function BotOffboarding({ botId }: { botId: string }) {
  const can = useCan();
  const cases = useOffboardingCases({ botId }, can("bots.read_all"));
  const latest = cases.data?.[0];
  return latest ? <LatestCase caseId={latest.id} /> : null;
}
