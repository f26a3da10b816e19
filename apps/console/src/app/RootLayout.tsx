import { Center } from "@mantine/core";
import { Outlet } from "@tanstack/react-router";
import { ErrorBlock, LoadingBlock } from "../components/states.tsx";
import { LoginPage } from "../features/auth/pages/LoginPage.tsx";
import { useMe } from "../features/auth/queries.ts";
import { AppLayout } from "./AppLayout.tsx";

/** Every page needs a session: without one (401 from /api/v1/me) the login page shows at the same address. */
export function RootLayout() {
  const me = useMe();

  if (me.isPending) {
    return (
      <Center mih="100vh">
        <LoadingBlock label="Loading Bridle" />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center mih="100vh" p="md">
        <ErrorBlock title="Bridle is not reachable" error={me.error} onRetry={() => void me.refetch()} />
      </Center>
    );
  }
  if (!me.data) return <LoginPage />;
  return (
    <AppLayout me={me.data}>
      <Outlet />
    </AppLayout>
  );
}
