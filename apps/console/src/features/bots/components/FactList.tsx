import { Box, Text } from "@mantine/core";
import type { ReactNode } from "react";

/** A definition list of label / value pairs; values that are plain text get the list's type size. */
export function FactList({ children }: { children: ReactNode }) {
  return (
    <Box
      component="dl"
      m={0}
      style={{ display: "grid", gridTemplateColumns: "minmax(140px, 38%) 1fr", columnGap: "var(--mantine-spacing-md)", rowGap: 10 }}
    >
      {children}
    </Box>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <Text component="dt" size="sm" c="dimmed" fw={500}>
        {label}
      </Text>
      <Box component="dd" m={0} fz="sm" style={{ minWidth: 0, overflowWrap: "anywhere" }}>
        {children}
      </Box>
    </>
  );
}

/** An absent value that the runtime profile or inventory requires: shown in red. */
export function Missing({ label = "Missing" }: { label?: string }) {
  return (
    <Text span size="sm" c="red" fw={600} data-missing="true">
      {label}
    </Text>
  );
}

/** An optional value that is simply not recorded. */
export function NotSet({ label = "Not set" }: { label?: string }) {
  return (
    <Text span size="sm" c="dimmed">
      {label}
    </Text>
  );
}
