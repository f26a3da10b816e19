import type { TBotSummary, TDataAccessLevel, TEnvironment, TFinding, TFindingKind, TLifecycleStatus } from "@bridle/contracts";
import { Badge, Tooltip } from "@mantine/core";
import type { MantineColor } from "@mantine/core";
import { humanize } from "../../../lib/format.ts";

const STATUS_COLORS: Record<TLifecycleStatus, MantineColor> = {
  proposed: "grape",
  active: "teal",
  paused: "yellow",
  offboarding: "orange",
  offboarded: "gray",
};

export function StatusBadge({ status }: { status: TLifecycleStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLORS[status]} radius="sm">
      {humanize(status)}
    </Badge>
  );
}

const ENVIRONMENT_COLORS: Record<TEnvironment, MantineColor> = {
  production: "red",
  staging: "indigo",
  test: "gray",
};

export function EnvironmentBadge({ environment }: { environment: TEnvironment }) {
  return (
    <Badge variant="outline" color={ENVIRONMENT_COLORS[environment]} radius="sm">
      {environment}
    </Badge>
  );
}

const ACCESS_COLORS: Record<TDataAccessLevel, MantineColor> = {
  none: "gray",
  internal: "blue",
  confidential: "orange",
  restricted: "red",
};

export function DataAccessBadge({ level }: { level: TDataAccessLevel }) {
  return (
    <Badge variant="dot" color={ACCESS_COLORS[level]} radius="sm">
      {humanize(level)}
    </Badge>
  );
}

const SEVERITY_COLORS: Record<TFinding["severity"], MantineColor> = { high: "red", medium: "orange", low: "yellow" };

export function SeverityBadge({ severity }: { severity: TFinding["severity"] }) {
  return (
    <Badge variant="filled" color={SEVERITY_COLORS[severity]} radius="sm">
      {severity}
    </Badge>
  );
}

/** Kinds that the rule catalog rates high severity; a bot with any of them shows red. */
const HIGH_KINDS: ReadonlySet<TFindingKind> = new Set(["golden_rule", "orphaned", "disallowed_channel", "shared_identity", "runtime_silent", "enforcement_gap"]);

export function findingCountColor(bot: Pick<TBotSummary, "findingCount" | "findingKinds">): MantineColor {
  if (bot.findingCount === 0) return "teal";
  return bot.findingKinds.some((kind) => HIGH_KINDS.has(kind)) ? "red" : "orange";
}

export function FindingCountBadge({
  bot,
  titleOf,
}: {
  bot: Pick<TBotSummary, "findingCount" | "findingKinds">;
  titleOf: (kind: TFindingKind) => string;
}) {
  const badge = (
    <Badge
      variant={bot.findingCount === 0 ? "light" : "filled"}
      color={findingCountColor(bot)}
      radius="sm"
      miw={32}
      aria-label={`${bot.findingCount} ${bot.findingCount === 1 ? "finding" : "findings"}`}
    >
      {bot.findingCount}
    </Badge>
  );
  if (bot.findingKinds.length === 0) return badge;
  return (
    <Tooltip label={bot.findingKinds.map(titleOf).join(" · ")} withArrow multiline maw={320}>
      {badge}
    </Tooltip>
  );
}
