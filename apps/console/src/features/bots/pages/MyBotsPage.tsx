import { getRouteApi } from "@tanstack/react-router";
import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useMe } from "../../auth/queries.ts";
import { InventoryView } from "../components/InventoryView.tsx";
import { validateBotSearch } from "../search.ts";
import type { BotSearch } from "../search.ts";

const route = getRouteApi("/my-bots");

/** The inventory filtered to the bots the signed-in person owns. */
export function MyBotsPage() {
  const me = useMe();
  // The owner is fixed to me; an `owner` in the URL is ignored.
  const search = validateBotSearch({ ...route.useSearch(), owner: undefined });
  const navigate = route.useNavigate();

  if (me.isPending) return <LoadingBlock label="Loading" />;
  if (!me.data) return <ErrorBlock error={me.error} />;

  return (
    <InventoryView
      title="My bots"
      description="The bots you own: you answer for what they do, their access reviews and their offboarding."
      search={search}
      fixed={{ owner: me.data.email }}
      onSearch={(patch: Partial<BotSearch>) =>
        void navigate({ search: (previous) => validateBotSearch({ ...previous, ...patch, owner: undefined }), replace: true })
      }
      onReset={() => void navigate({ search: (previous) => validateBotSearch({ sort: previous.sort, order: previous.order }), replace: true })}
      emptyTitle="You own no bots yet"
      emptyDescription="Register a bot to give it its own identity, with you as its owner."
      emptyActionLabel="Register bot"
    />
  );
}
