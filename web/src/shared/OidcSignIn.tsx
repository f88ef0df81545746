import { Alert, Button, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { UserManager } from "oidc-client-ts";

/**
 * Production sign-in: the button sends the browser to the identity provider (authorization code
 * with PKCE); it comes back to `<app>/callback`, which SessionGate reads.
 */
export function OidcSignIn({ manager, returnTo, problem }: { manager: UserManager; returnTo: string; problem: string | null }) {
  const { t } = useTranslation("shared");
  const [busy, setBusy] = useState(false);
  const [unreachable, setUnreachable] = useState(false);

  async function start() {
    setBusy(true);
    setUnreachable(false);
    try {
      await manager.signinRedirect({ state: returnTo });
    } catch {
      setUnreachable(true);
      setBusy(false);
    }
  }

  const shown = unreachable ? "providerUnavailable" : problem;
  return (
    <Stack>
      <Text size="sm">{t("providerHelp")}</Text>
      {shown && <Alert color="red" role="alert" data-testid="sign-in-error">{t(shown)}</Alert>}
      <Button onClick={() => void start()} loading={busy}>{t("signInWithProvider")}</Button>
    </Stack>
  );
}
