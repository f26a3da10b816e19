import { Box } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { OrphanCard } from "../../offboarding/components/OrphanCard.tsx";
import { useCan } from "../../auth/permissions.tsx";
import { SetupChecklist } from "../../setup/components/SetupChecklist.tsx";
import { useSetupStatus } from "../../setup/queries.ts";
import { InventoryView } from "../components/InventoryView.tsx";
import { validateBotSearch } from "../search.ts";
import type { BotSearch } from "../search.ts";

const route = getRouteApi("/bots");

/** Every bot the signed-in person may read (all of them for admins, security, IT and auditors). */
export function InventoryPage() {
  // Compact (no undefined or unknown keys), so query keys and API parameters are canonical.
  const search = validateBotSearch(route.useSearch());
  const navigate = route.useNavigate();
  const can = useCan();
  // Admins and IT setting up an organization see the first-run checklist here until the first bot
  // is registered (and on Get started after that, while a step is left).
  const setsUp = can("policy.update") || can("people.manage");
  const setup = useSetupStatus({ enabled: setsUp });
  const noBotYet = setup.data?.steps.some((step) => step.key === "first_bot" && !step.done) ?? false;

  return (
    <>
      {setsUp && noBotYet && <SetupChecklist compact />}
      {can("bots.read_all") && (
        <Box mb="md">
          <OrphanCard />
        </Box>
      )}
      <InventoryView
        title="Inventory"
        description="Every bot, who owns it, what it can reach and what is wrong with it."
        search={search}
        onSearch={(patch: Partial<BotSearch>) =>
          void navigate({ search: (previous) => validateBotSearch({ ...previous, ...patch }), replace: true })
        }
        onReset={() => void navigate({ search: (previous) => validateBotSearch({ sort: previous.sort, order: previous.order }), replace: true })}
        emptyTitle="No bots registered yet"
        emptyDescription="Register a bot, or import an inventory file."
        emptyActionLabel="Register the first bot"
      />
    </>
  );
}
