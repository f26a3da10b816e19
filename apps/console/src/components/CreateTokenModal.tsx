import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { MutationErrorAlert } from "./MutationErrorAlert.tsx";

type Props = {
  opened: boolean;
  title: string;
  onClose: () => void;
  onSubmit: (name: string) => void;
  loading: boolean;
  error: unknown;
  nameError?: string;
  nameDescription?: string;
  /** More fields (scopes, expiry); their state lives with the caller. */
  children?: ReactNode;
  canSubmit?: boolean;
};

/** Names a new token (and whatever else `children` asks for); the caller shows the created token once. */
export function CreateTokenModal({ opened, title, onClose, ...form }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" closeButtonProps={{ "aria-label": "Close" }}>
      {/* Mounted only while open, so each opening starts with an empty name. */}
      <CreateTokenForm title={title} onClose={onClose} {...form} />
    </Modal>
  );
}

function CreateTokenForm({ title, onClose, onSubmit, loading, error, nameError, nameDescription, children, canSubmit = true }: Omit<Props, "opened">) {
  const [name, setName] = useState("");

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (name.trim() === "" || !canSubmit) return;
    onSubmit(name.trim());
  };

  return (
    <form onSubmit={submit} noValidate aria-label={title}>
      <Stack gap="md">
        {error != null && <MutationErrorAlert error={error} title="The token was not created" />}
        <TextInput
          label="Name"
          description={nameDescription}
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={nameError}
          data-autofocus
        />
        {children}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={loading}>
            Cancel
          </Button>
          <Button type="submit" loading={loading} disabled={name.trim() === "" || !canSubmit}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
