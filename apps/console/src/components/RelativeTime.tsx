import { Text } from "@mantine/core";
import type { TextProps } from "@mantine/core";
import { EMPTY, formatDateTime, formatRelative } from "../lib/format.ts";

/** "3 hours ago", with the exact UTC time on hover and in the `datetime` attribute. */
export function RelativeTime({ value, empty = EMPTY, ...props }: { value: string | null | undefined; empty?: string } & TextProps) {
  if (!value) {
    return (
      <Text size="sm" c="dimmed" {...props}>
        {empty}
      </Text>
    );
  }
  return (
    <Text size="sm" {...props} style={{ whiteSpace: "nowrap" }}>
      <time dateTime={value} title={formatDateTime(value)}>
        {formatRelative(value)}
      </time>
    </Text>
  );
}
