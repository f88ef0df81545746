import { Alert, Center, Loader, Paper, Stack, Title } from "@mantine/core";
import { type ReactNode, useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";
import { Provider as GraphQLProvider } from "urql";
import type { Role } from "../generated/graphql";
import { createGatewayClient } from "./gateway-client";
import { LanguageSwitch } from "./LanguageSwitch";
import { CALLBACK_PATH, SIGNED_OUT_PATH, completeSignIn, oidcManager, returnPath } from "./oidc";
import { OidcSignIn } from "./OidcSignIn";
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
 * it, or on sign-out; the token is then dropped from memory. With OpenID Connect, the provider's
 * answer (`/callback`) and its return after sign-out (`/signed-out`) are read here, before any
 * route of the app renders.
 */
export function SessionGate({ app, role, title, children }: { app: "console" | "privacy"; role: Role; title: string; children: ReactNode }) {
  const { t } = useTranslation("shared");
  const location = useLocation();
  const navigate = useNavigate();
  const [config, setConfig] = useState<SignInConfig | "failed" | null>(null);
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [completing, setCompleting] = useState(false);

  useEffect(() => {
    loadSignInConfig(app).then(setConfig, () => setConfig("failed"));
  }, [app]);

  const manager = useMemo(() => (config !== null && config !== "failed" && config.kind === "oidc" ? oidcManager(app, config) : null), [app, config]);

  const end = useCallback((why: Notice) => {
    setSignedIn(null);
    setNotice(why);
    void manager?.removeUser();
  }, [manager]);

  useEffect(() => {
    if (!manager) return;
    if (location.pathname === CALLBACK_PATH) {
      setCompleting(true);
      void completeSignIn(manager, window.location.href, role).then(outcome => {
        setCompleting(false);
        if (outcome.ok) {
          const { user, check } = outcome;
          setNotice(null);
          setProblem(null);
          setSignedIn({ token: user.access_token, subject: check.subject, role: check.role, expiresAt: check.expiresAt ?? (user.expires_at ? user.expires_at * 1000 : null) });
          navigate(returnPath(user), { replace: true });
        } else {
          setProblem(outcome.reason);
          navigate("/", { replace: true });
        }
      });
    } else if (location.pathname === SIGNED_OUT_PATH) {
      void manager.signoutCallback(window.location.href).catch(() => undefined).finally(() => {
        setNotice("signedOut");
        navigate("/", { replace: true });
      });
    }
  }, [manager, location.pathname, role, navigate]);

  useEffect(() => {
    if (!signedIn?.expiresAt) return;
    const timer = setTimeout(() => end("sessionExpired"), Math.max(0, signedIn.expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [signedIn, end]);

  const client = useMemo(() => (signedIn ? createGatewayClient(signedIn.token, () => end("sessionExpired")) : null), [signedIn, end]);
  const session = useMemo<Session | null>(
    () => (signedIn ? {
      ...signedIn,
      signOut: () => {
        if (!manager) return end("signedOut");
        setSignedIn(null);
        setNotice("signedOut");
        // At the provider too (with the id token as the hint, back to /signed-out), so signing in
        // again asks for the account; signoutRedirect drops the user from memory itself.
        void manager.signoutRedirect().catch(() => manager.removeUser());
      },
    } : null),
    [signedIn, end, manager],
  );

  // On /callback the routes wait until the page has moved to where sign-in started: rendered
  // there, the app's catch-all route would send the person to its first page instead.
  if (session && client && location.pathname !== CALLBACK_PATH) {
    return (
      <SessionContext.Provider value={session}>
        <GraphQLProvider value={client}>{children}</GraphQLProvider>
      </SessionContext.Provider>
    );
  }

  const ready = config !== null && config !== "failed" && !completing;
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={520} component="main">
        <Stack>
          <LanguageSwitch />
          <Title order={1} size="h2">{title}</Title>
          {notice && <Alert color="blue" role="status" data-testid="session-notice">{t(notice)}</Alert>}
          {!ready && config !== "failed" && <Loader aria-label={t("loading")} />}
          {config === "failed" && <Alert color="red" role="alert">{t("gatewayUnavailable")}</Alert>}
          {ready && config.kind === "token" && (
            <TokenSignIn role={role} onSignedIn={(token, check) => {
              setNotice(null);
              setSignedIn({ token, subject: check.subject, role: check.role, expiresAt: check.expiresAt });
            }} />
          )}
          {ready && manager && <OidcSignIn manager={manager} returnTo={location.pathname} problem={problem} />}
          {ready && config.kind === "unconfigured" && (
            <Alert color="yellow" role="alert">{t("signInNotConfigured")}</Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
