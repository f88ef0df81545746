import { Alert } from "@mantine/core";
import type { CombinedError } from "urql";
import { useTranslation } from "react-i18next";
import { errorCode } from "../../shared/gateway-client";

const KNOWN = ["FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "SERVICE_UNAVAILABLE", "RATE_LIMITED", "NETWORK_ERROR"];

/** The reason a refusal carries (e.g. SAME_ADMIN), when the console has words for it. */
function reasonOf(error: CombinedError): string | null {
  const reason = error.graphQLErrors.map(graphQLError => graphQLError.extensions?.reason).find(value => typeof value === "string");
  return reason === "SAME_ADMIN" ? reason : null;
}

/** A failed operation in words: its reason or code, never the gateway's message text. */
export function GatewayErrorAlert({ error }: { error: CombinedError | undefined }) {
  const { t } = useTranslation();
  if (!error) return null;
  const code = errorCode(error) ?? "UNKNOWN";
  const key = reasonOf(error) ?? (KNOWN.includes(code) ? code : null);
  return (
    <Alert color="red" role="alert" data-error-code={code}>
      {key ? t(`errors.${key}`) : t("shared:error", { code })}
    </Alert>
  );
}
