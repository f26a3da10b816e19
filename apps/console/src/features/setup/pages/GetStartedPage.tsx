import { PageHeader } from "../../../components/PageHeader.tsx";
import { RequirePermission } from "../../auth/permissions.tsx";
import { SetupChecklist } from "../components/SetupChecklist.tsx";

/** The first-run checklist for admins and IT setting up an organization from empty. */
export function GetStartedPage() {
  return (
    <>
      <PageHeader title="Get started" description="Set up Bridle for your organization: sign-in, teams, systems and channels, then the first bot." />
      <RequirePermission permission={["policy.update", "people.manage", "systems.manage"]}>
        <SetupChecklist />
      </RequirePermission>
    </>
  );
}
