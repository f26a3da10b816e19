import { ErrorBlock, LoadingBlock } from "../../../components/states.tsx";
import { useIdentitySettings } from "../queries.ts";
import { SsoSettingsForm } from "./SsoSettingsForm.tsx";

export function SsoTab() {
  const settings = useIdentitySettings();
  if (settings.isPending) return <LoadingBlock label="Loading single sign-on settings" />;
  if (settings.isError) {
    return <ErrorBlock title="Could not load the single sign-on settings" error={settings.error} onRetry={() => void settings.refetch()} />;
  }
  // Keyed by the stored version so a save (or someone else's) restarts the form from it.
  return <SsoSettingsForm key={settings.data.updatedAt} settings={settings.data} />;
}
