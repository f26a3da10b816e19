import type { TBot } from "@bridle/contracts";
import { Button, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { OwnershipTransferModal } from "./OwnershipTransferModal.tsx";
import { ScopeExpansionModal, scopeExpansionFormId } from "./ScopeExpansionModal.tsx";
import { useReopenKeptForm } from "../../../lib/kept-forms.ts";

/** The bot page's "Request scope expansion" and "Transfer ownership" (for whoever manages the bot). */
export function BotRequestActions({ bot }: { bot: TBot }) {
  const [scopeOpened, scope] = useDisclosure(false);
  const [transferOpened, transfer] = useDisclosure(false);
  // Re-opens a request a session end interrupted, with what was typed.
  useReopenKeptForm(scopeExpansionFormId(bot.id), scope.open);
  const closed = bot.status === "offboarded" || bot.status === "offboarding";
  const why = closed ? `${bot.name} is ${bot.status}; it takes no new access or owners` : null;

  return (
    <>
      <Tooltip label={why} disabled={!why} withArrow>
        <Button onClick={scope.open} disabled={closed}>
          Request scope expansion
        </Button>
      </Tooltip>
      <Tooltip label={why} disabled={!why} withArrow>
        <Button onClick={transfer.open} variant="default" disabled={closed}>
          Transfer ownership
        </Button>
      </Tooltip>
      <ScopeExpansionModal bot={bot} opened={scopeOpened} onClose={scope.close} />
      <OwnershipTransferModal bot={bot} opened={transferOpened} onClose={transfer.close} />
    </>
  );
}
