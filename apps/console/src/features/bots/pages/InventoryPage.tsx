import { getRouteApi } from "@tanstack/react-router";
import { InventoryView } from "../components/InventoryView.tsx";
import { validateBotSearch } from "../search.ts";
import type { BotSearch } from "../search.ts";

const route = getRouteApi("/bots");

/** Every bot the signed-in person may read (all of them for admins, security, IT and auditors). */
export function InventoryPage() {
  // Compact (no undefined or unknown keys), so query keys and API parameters are canonical.
  const search = validateBotSearch(route.useSearch());
  const navigate = route.useNavigate();

  return (
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
  );
}
