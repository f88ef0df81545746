import { Alert } from "@mantine/core";
import type { CombinedError } from "urql";
import { useTranslation } from "react-i18next";
import { errorCode, failureKey } from "../../shared/gateway-client";

/** A failed operation in words (`errors.<reason or code>`), never the gateway's message text. */
export function GatewayErrorAlert({ error }: { error: CombinedError | undefined }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const code = errorCode(error) ?? "UNKNOWN";
  const key = failureKey(error, candidate => i18n.exists(`errors.${candidate}`));
  return (
    <Alert color="red" role="alert" data-error-code={code}>
      {key ? t(`errors.${key}`) : t("shared:error", { code })}
    </Alert>
  );
}
