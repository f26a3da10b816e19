import { ThemeIcon } from "@mantine/core";

/** The Bridle mark: a simple bridle ring, drawn inline so the console has no asset files. */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <ThemeIcon size={size} radius="md" variant="filled" aria-hidden>
      <svg width={size * 0.62} height={size * 0.62} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2.4} strokeLinecap="round">
        <circle cx="12" cy="12" r="7" />
        <path d="M12 5v-3M12 22v-3M5 12H2M22 12h-3" />
      </svg>
    </ThemeIcon>
  );
}
