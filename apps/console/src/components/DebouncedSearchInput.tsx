import { TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";

const SEARCH_DEBOUNCE_MS = 300;

/**
 * The text of a box bound to a URL value: typing updates the URL (`onChange`, trimmed, undefined
 * when empty) after a pause; the URL changing elsewhere (back, reset) updates the text.
 * @returns the text to show and its setter
 */
export function useDebouncedUrlText(value: string | undefined, onChange: (text: string | undefined) => void): [string, (text: string) => void] {
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
  return [text, setText];
}

/** A search box bound to a URL value (useDebouncedUrlText). */
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
  const [text, setText] = useDebouncedUrlText(value, onChange);
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
