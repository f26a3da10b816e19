import { INCIDENT_PHASE_LABELS, type TIncidentPhase, type TIncidentSeverity } from "@bridle/contracts";
import { Badge } from "@mantine/core";

const SEVERITY_COLOR: Record<TIncidentSeverity, string> = { low: "gray", medium: "yellow", high: "orange", critical: "red" };

export function SeverityBadge({ severity }: { severity: TIncidentSeverity }) {
  return (
    <Badge variant="filled" color={SEVERITY_COLOR[severity]}>
      {severity}
    </Badge>
  );
}

export function PhaseBadge({ phase }: { phase: TIncidentPhase }) {
  return (
    <Badge variant="light" color={phase === "closed" ? "gray" : "blue"}>
      {INCIDENT_PHASE_LABELS[phase]}
    </Badge>
  );
}

export function DrillBadge() {
  return (
    <Badge variant="outline" color="grape">
      Drill
    </Badge>
  );
}
