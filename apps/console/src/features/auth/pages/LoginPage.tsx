import { Alert, Box, Button, Center, Divider, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useRouter, useRouterState } from "@tanstack/react-router";
import { useState } from "react";
import type { FormEvent } from "react";
import { LoadingBlock } from "../../../components/states.tsx";
import { buildUrl, errorMessage, isUnauthorized } from "../../../lib/api.ts";
import { hasKeptForms } from "../../../lib/kept-forms.ts";
import { BrandMark } from "../components/BrandMark.tsx";
import { useAuthProviders, useLogin } from "../queries.ts";
import { SSO_ERROR_GENERIC, ssoErrorMessage } from "../sso-errors.ts";

/** The address to come back to after single sign-on: this page, without a previous `ssoError`. */
function returnToOf(pathname: string, searchStr: string): string {
  const params = new URLSearchParams(searchStr);
  params.delete("ssoError");
  const search = params.toString();
  return search ? `${pathname}?${search}` : pathname;
}

function LocalLoginForm({ breakGlass, onSignedIn }: { breakGlass: boolean; onSignedIn: () => void }) {
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password }, { onSuccess: onSignedIn });
  };

  return (
    <form onSubmit={onSubmit} aria-label={breakGlass ? "Local admin sign-in" : "Sign in"} noValidate>
      <Stack>
        {breakGlass && (
          <Text size="sm" c="dimmed">
            Local break-glass admin account, for when single sign-on is unavailable. Every use is recorded.
          </Text>
        )}
        {login.isError && (
          <Alert color="red" variant="light" role="alert">
            {isUnauthorized(login.error) ? "Email or password is incorrect" : errorMessage(login.error)}
          </Alert>
        )}
        <TextInput
          label="Email"
          type="email"
          autoComplete="username"
          required
          autoFocus={!breakGlass}
          value={email}
          onChange={(event) => setEmail(event.currentTarget.value)}
        />
        <TextInput
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.currentTarget.value)}
        />
        <Button type="submit" fullWidth loading={login.isPending} disabled={!email || !password} variant={breakGlass ? "default" : "filled"}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}

/**
 * Shown at any address while there is no session; after signing in the address's page renders.
 * Offers single sign-on when it is on, and the local (bootstrap admin) form when that is on. If
 * GET /auth/providers cannot answer, the local form still shows, so an admin is never locked out.
 */
export function LoginPage() {
  const providers = useAuthProviders();
  const router = useRouter();
  const location = useRouterState({ select: (state) => ({ pathname: state.location.pathname, searchStr: state.location.searchStr }) });
  const ssoError = new URLSearchParams(location.searchStr).get("ssoError");
  // A form was open when the session ended: its values wait in this tab (lib/kept-forms.ts).
  const [keptForms] = useState(hasKeptForms);

  const ssoEnabled = providers.data?.sso.enabled ?? false;
  const localEnabled = providers.data ? providers.data.local.enabled : true;

  // A failed SSO attempt's code has done its job once someone signs in.
  const dropSsoError = () => {
    if (ssoError) router.history.replace(returnToOf(location.pathname, location.searchStr));
  };
  const startSso = () => window.location.assign(buildUrl("/auth/login", { returnTo: returnToOf(location.pathname, location.searchStr) }));

  const body = () => {
    if (providers.isPending) return <LoadingBlock label="Loading sign-in options" />;
    if (!ssoEnabled && !localEnabled) {
      return (
        <Alert color="orange" variant="light" title="No way to sign in is turned on">
          Single sign-on is off and the local admin account is disabled. Ask the operator who runs Bridle.
        </Alert>
      );
    }
    return (
      <Stack>
        {ssoEnabled && (
          <Button size="md" fullWidth onClick={startSso}>
            Sign in with SSO
          </Button>
        )}
        {ssoEnabled && localEnabled && <Divider label="or, in an emergency" labelPosition="center" />}
        {localEnabled && <LocalLoginForm breakGlass={ssoEnabled} onSignedIn={dropSsoError} />}
      </Stack>
    );
  };

  return (
    <Center mih="100vh" bg="gray.0" p="md">
      <Box w="100%" maw={400}>
        <Stack align="center" gap="xs" mb="lg">
          <BrandMark size={40} />
          <Title order={1} fz="h2">
            Sign in to Bridle
          </Title>
          <Text c="dimmed" size="sm" ta="center">
            The control plane for your organization's AI agents
          </Text>
        </Stack>
        <Paper withBorder shadow="sm" p="xl" radius="md">
          <Stack>
            {keptForms && (
              <Alert color="orange" variant="light" title="Your session ended; sign in again to save" role="status" data-testid="session-ended">
                Nothing was saved. What you typed is kept, and the form comes back after you sign in.
              </Alert>
            )}
            {ssoError && (
              <Alert color="red" variant="light" title={SSO_ERROR_GENERIC} role="alert" data-testid="sso-error">
                {ssoErrorMessage(ssoError)}
              </Alert>
            )}
            {body()}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}
