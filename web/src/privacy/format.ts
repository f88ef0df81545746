import type { CombinedError } from "urql";
import { useTranslation } from "react-i18next";
import { errorCode, failureKey } from "../shared/gateway-client";

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
      const key = failureKey(error, candidate => i18n.exists(`problem.${candidate}`));
      return key ? t(`problem.${key}`) : t("problem.other", { code: errorCode(error) ?? "UNKNOWN" });
    },
  };
}
