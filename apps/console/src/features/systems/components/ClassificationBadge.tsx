import { SYSTEM_CLASSIFICATION_INFO } from "@bridle/contracts";
import type { TSystemClassification } from "@bridle/contracts";
import { Badge, Tooltip } from "@mantine/core";

const COLORS: Record<TSystemClassification, string> = {
  internal_data: "blue",
  external_communication: "orange",
  both: "red",
  neither: "gray",
};

/** A system's classification, with what it means for the Golden Rule on hover. */
export function ClassificationBadge({ classification }: { classification: TSystemClassification }) {
  const info = SYSTEM_CLASSIFICATION_INFO[classification];
  return (
    <Tooltip label={info.meaning} withArrow>
      <Badge color={COLORS[classification]} variant="light" tt="none">
        {info.label}
      </Badge>
    </Tooltip>
  );
}
