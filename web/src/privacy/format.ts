import type { CombinedError } from "urql";
import { useTranslation } from "react-i18next";
import { errorCode } from "../shared/gateway-client";

/** The gateway's `extensions.reason` of a refusal (e.g. CONSENT_ALREADY_ACTIVE), if it gave one. */
function refusalReason(error: CombinedError): string | null {
  const reason = error.graphQLErrors.map(graphQLError => graphQLError.extensions?.reason).find(value => typeof value === "string");
  return typeof reason === "string" ? reason : null;
}

/** The gateway's `extensions.field` of a BAD_USER_INPUT, if it named one. */
export function refusedField(error: CombinedError | undefined): string | null {
  const field = error?.graphQLErrors.map(graphQLError => graphQLError.extensions?.field).find(value => typeof value === "string");
  return typeof field === "string" ? field : null;
}

/**
 * Dates, lists of categories and errors in the page's language. An error is shown by its code
 * and reason in words, never by the gateway's message text (English, and meant for developers).
 */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === "en" ? "en-GB" : "zh-CN";
  return {
    dateTime: (value: string | null | undefined) => (value ? new Date(value).toLocaleString(locale) : t("shared:none")),
    categories: (categories: readonly string[]) =>
      categories.map(category => t(`category.${category}`)).join(i18n.language === "en" ? ", " : "、"),
    problem: (error: CombinedError) => {
      const reason = refusalReason(error);
      const code = errorCode(error) ?? "UNKNOWN";
      for (const key of [reason, code]) {
        if (key && i18n.exists(`problem.${key}`)) return t(`problem.${key}`);
      }
      return t("problem.other", { code });
    },
  };
}
