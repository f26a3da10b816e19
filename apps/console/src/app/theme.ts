import { Badge, createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  defaultRadius: "md",
  fontFamily:
    "Inter, ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
  fontFamilyMonospace: "ui-monospace, SFMono-Regular, Menlo, Consolas, 'Liberation Mono', monospace",
  headings: { fontWeight: "650" },
  components: {
    // Sentence-case badges read calmer in dense tables than Mantine's default capitals.
    Badge: Badge.extend({
      defaultProps: { radius: "sm" },
      styles: { root: { textTransform: "none", letterSpacing: 0, fontWeight: 600 } },
    }),
  },
});
