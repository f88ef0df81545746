import { Alert, Center, Loader, Paper, Stack, Title } from "@mantine/core";
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Provider as GraphQLProvider } from "urql";
import type { Role } from "../generated/graphql";
import { createGatewayClient } from "./gateway-client";
import { LanguageSwitch } from "./LanguageSwitch";
import { type Session, SessionContext } from "./session";
import { type SignInConfig, loadSignInConfig } from "./sign-in-config";
import { TokenSignIn } from "./TokenSignIn";

type Notice = "sessionExpired" | "signedOut" | null;

interface SignedIn {
  token: string;
  subject: string;
  role: Role;
  expiresAt: number | null;
}

/**
 * Shows the sign-in page until a token the gateway accepts for `role` is given, then the app
 * with that session. The session ends when the token expires, when the gateway stops accepting
 * it, or on sign-out; the token is then dropped from memory.
 */
export function SessionGate({ app, role, title, children }: { app: "console" | "privacy"; role: Role; title: string; children: ReactNode }) {
  const { t } = useTranslation("shared");
  const [config, setConfig] = useState<SignInConfig | "failed" | null>(null);
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<Notice>(null);

  useEffect(() => {
    loadSignInConfig(app).then(setConfig, () => setConfig("failed"));
  }, [app]);

  const end = useCallback((why: Notice) => {
    setSignedIn(null);
    setNotice(why);
  }, []);

  useEffect(() => {
    if (!signedIn?.expiresAt) return;
    const timer = setTimeout(() => end("sessionExpired"), Math.max(0, signedIn.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [signedIn, end]);

  const client = useMemo(() => (signedIn ? createGatewayClient(signedIn.token, () => end("sessionExpired")) : null), [signedIn, end]);
  const session = useMemo<Session | null>(
    () => (signedIn ? { ...signedIn, signOut: () => end("signedOut") } : null),
    [signedIn, end],
  );

  if (session && client) {
    return (
      <SessionContext.Provider value={session}>
        <GraphQLProvider value={client}>{children}</GraphQLProvider>
      </SessionContext.Provider>
    );
  }

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={520} component="main">
        <Stack>
          <LanguageSwitch />
          <Title order={1} size="h2">{title}</Title>
          {notice && <Alert color="blue" role="status" data-testid="session-notice">{t(notice)}</Alert>}
          {config === null && <Loader aria-label={t("loading")} />}
          {config === "failed" && <Alert color="red" role="alert">{t("gatewayUnavailable")}</Alert>}
          {config !== null && config !== "failed" && config.kind === "token" && (
            <TokenSignIn role={role} onSignedIn={(token, check) => {
              setNotice(null);
              setSignedIn({ token, subject: check.subject, role: check.role, expiresAt: check.expiresAt });
            }} />
          )}
          {config !== null && config !== "failed" && config.kind === "oidc" && (
            <Alert color="yellow" role="alert">{t("signInNotConfigured")}</Alert>
          )}
          {config !== null && config !== "failed" && config.kind === "unconfigured" && (
            <Alert color="yellow" role="alert">{t("signInNotConfigured")}</Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
