/** A small inline chevron pair; the active direction is drawn solid. Decorative only. */
export function SortIcon({ direction }: { direction: "asc" | "desc" | null }) {
  return (
    <svg width="10" height="14" viewBox="0 0 10 14" aria-hidden focusable="false" style={{ flexShrink: 0 }}>
      <path d="M5 1 L9 5.5 H1 Z" fill="currentColor" opacity={direction === "asc" ? 1 : 0.25} />
      <path d="M5 13 L9 8.5 H1 Z" fill="currentColor" opacity={direction === "desc" ? 1 : 0.25} />
    </svg>
  );
}
