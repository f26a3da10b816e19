import { Alert, Button, Group, Modal, Stack } from "@mantine/core";
import { CopyField } from "./CopyField.tsx";

/**
 * Shows a newly created token the only time it exists in clear text. Closing needs an explicit
 * "Done", so a click beside the dialog cannot lose it.
 */
export function SecretOnceModal({
  opened,
  title,
  label,
  value,
  onClose,
}: {
  opened: boolean;
  title: string;
  label: string;
  value: string | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={opened && value !== null}
      onClose={onClose}
      title={title}
      size="lg"
      centered
      closeOnClickOutside={false}
      closeOnEscape={false}
      withCloseButton={false}
    >
      <Stack gap="md">
        <Alert color="orange" variant="light" title="Copy it now">
          This token will not be shown again. Bridle stores only its hash; if you lose it, revoke it and create a new one.
        </Alert>
        {value !== null && <CopyField label={label} value={value} />}
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
