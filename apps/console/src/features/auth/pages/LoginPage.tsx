import { Alert, Box, Button, Center, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { useState } from "react";
import type { FormEvent } from "react";
import { errorMessage, isUnauthorized } from "../../../lib/api.ts";
import { BrandMark } from "../components/BrandMark.tsx";
import { useLogin } from "../queries.ts";

/** Shown at any address while there is no session; after signing in the address's page renders. */
export function LoginPage() {
  const login = useLogin();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
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
          <form onSubmit={onSubmit} aria-label="Sign in" noValidate>
            <Stack>
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
                autoFocus
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
              <Button type="submit" fullWidth loading={login.isPending} disabled={!email || !password}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Box>
    </Center>
  );
}
