import { TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";

const SEARCH_DEBOUNCE_MS = 300;

/**
 * A search box bound to a URL value: typing updates the URL after a pause; the URL changing
 * elsewhere (back, reset) updates the box.
 */
export function DebouncedSearchInput({
  value,
  onChange,
  placeholder,
  label = "Search",
  width = 240,
}: {
  value: string | undefined;
  onChange: (q: string | undefined) => void;
  placeholder?: string;
  label?: string;
  width?: number;
}) {
  const [text, setText] = useState(value ?? "");
  const [debounced] = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  // Each effect deliberately depends on one value only, so the two never chase each other.
  useEffect(() => {
    const next = debounced.trim() || undefined;
    if (next !== value) onChange(next);
  }, [debounced]);
  useEffect(() => {
    if ((value ?? "") !== debounced.trim()) setText(value ?? "");
  }, [value]);

  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      type="search"
      value={text}
      onChange={(event) => setText(event.currentTarget.value)}
      w={width}
    />
  );
}
