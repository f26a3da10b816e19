import { Button, CopyButton, TextInput } from "@mantine/core";
import type { ReactNode } from "react";

/** A read-only value (a URL, a token shown once) with a Copy button beside it. */
export function CopyField({ label, value, description }: { label: string; value: string; description?: ReactNode }) {
  return (
    <TextInput
      label={label}
      description={description}
      value={value}
      readOnly
      onFocus={(event) => event.currentTarget.select()}
      styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)", fontSize: 13 } }}
      rightSectionWidth={88}
      rightSection={
        <CopyButton value={value} timeout={2000}>
          {({ copied, copy }) => (
            <Button size="compact-sm" variant={copied ? "light" : "default"} color={copied ? "teal" : undefined} onClick={copy}>
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </CopyButton>
      }
    />
  );
}
