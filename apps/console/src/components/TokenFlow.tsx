import { notifications } from "@mantine/notifications";
import type { UseMutationResult } from "@tanstack/react-query";
import { useState } from "react";
import type { ReactNode } from "react";
import { errorLookup, formIssues } from "../lib/form-errors.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { CreateTokenModal } from "./CreateTokenModal.tsx";
import { SecretOnceModal } from "./SecretOnceModal.tsx";

type Revocable = { id: string; name: string };

/**
 * The state of a token list's "create, show once" and "revoke, after asking" steps. `openCreate`
 * opens the create dialog; `requestRevoke` asks before revoking a token. Render `<TokenFlowDialogs flow={...} />`.
 */
export function useTokenFlow<T extends Revocable, TVars>(
  create: UseMutationResult<{ token: string }, unknown, TVars>,
  revoke: UseMutationResult<unknown, unknown, string>,
) {
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [target, setTarget] = useState<T | null>(null);

  const openCreate = () => {
    create.reset();
    setCreating(true);
  };
  const closeCreate = () => {
    setCreating(false);
    create.reset();
  };
  const closeRevoke = () => {
    setTarget(null);
    revoke.reset();
  };

  return {
    create,
    revoke,
    creating,
    created,
    target,
    openCreate,
    closeCreate,
    closeRevoke,
    showCreated: setCreated,
    requestRevoke: (token: T) => setTarget(token),
  };
}

type TokenFlow<T extends Revocable, TVars> = ReturnType<typeof useTokenFlow<T, TVars>>;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * "Create <noun>" (name plus `children` fields) -> "<Noun> created", shown once; and
 * "Revoke this <noun>?" -> "<Noun> revoked".
 */
export function TokenFlowDialogs<T extends Revocable, TVars>({
  flow,
  noun,
  nameDescription,
  canSubmit,
  createInput,
  revokeMessage,
  children,
}: {
  flow: TokenFlow<T, TVars>;
  /** "runtime token", "API token", ... */
  noun: string;
  nameDescription: string;
  canSubmit?: boolean;
  /** The create request for a name; the other fields' state lives with the caller. */
  createInput: (name: string) => TVars;
  /** What stops working once the token named `name` is revoked. */
  revokeMessage: (name: string) => string;
  /** More fields in the create dialog. */
  children?: ReactNode;
}) {
  const { create, revoke, target, closeCreate, closeRevoke } = flow;
  const Noun = capitalize(noun);
  return (
    <>
      <CreateTokenModal
        opened={flow.creating}
        title={`Create ${noun}`}
        nameDescription={nameDescription}
        onClose={closeCreate}
        loading={create.isPending}
        error={create.isError ? create.error : null}
        nameError={errorLookup(formIssues(create.error))("name")}
        canSubmit={canSubmit}
        onSubmit={(name) =>
          create.mutate(createInput(name), {
            onSuccess: (token) => {
              closeCreate();
              flow.showCreated(token.token);
            },
          })
        }
      >
        {children}
      </CreateTokenModal>
      <SecretOnceModal opened={flow.created !== null} title={`${Noun} created`} label={Noun} value={flow.created} onClose={() => flow.showCreated(null)} />
      <ConfirmDialog
        opened={target !== null}
        title={`Revoke this ${noun}?`}
        confirmLabel="Revoke token"
        loading={revoke.isPending}
        error={revoke.isError ? revoke.error : undefined}
        onConfirm={() =>
          target &&
          revoke.mutate(target.id, {
            onSuccess: () => {
              notifications.show({ color: "teal", title: `${Noun} revoked`, message: `${target.name} no longer works.` });
              closeRevoke();
            },
          })
        }
        onCancel={closeRevoke}
      >
        {revokeMessage(target?.name ?? "")}
      </ConfirmDialog>
    </>
  );
}
