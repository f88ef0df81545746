import { Alert, Button, Stack, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import type { Role } from "../generated/graphql";
import { type TokenCheck, verifyToken } from "./verify-token";

/** Development sign-in: a token from `npm run -s token`, checked with the gateway before use. */
export function TokenSignIn({ role, onSignedIn }: { role: Role; onSignedIn: (token: string, check: Extract<TokenCheck, { ok: true }>) => void }) {
  const { t } = useTranslation("shared");
  const [token, setToken] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const value = token.trim();
    if (!value) return setProblem("tokenRequired");
    setBusy(true);
    try {
      const check = await verifyToken(value, role);
      if (check.ok) onSignedIn(value, check);
      else setProblem(check.reason);
    } catch {
      setProblem("gatewayUnavailable");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={t("signIn")}>
      <Stack>
        <Textarea
          label={t("token")}
          description={t("tokenHelp")}
          value={token}
          onChange={event => setToken(event.currentTarget.value)}
          autosize
          minRows={3}
          spellCheck={false}
          autoComplete="off"
          data-testid="token-input"
        />
        {problem && <Alert color="red" role="alert" data-testid="sign-in-error">{t(problem)}</Alert>}
        <Button type="submit" loading={busy}>{t("signIn")}</Button>
      </Stack>
    </form>
  );
}
