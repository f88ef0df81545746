import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation("shared");
  return (
    <SegmentedControl
      aria-label={t("language")}
      size="xs"
      value={i18n.language === "en" ? "en" : "zh"}
      onChange={language => void i18n.changeLanguage(language)}
      data={[{ value: "zh", label: "中文" }, { value: "en", label: "English" }]}
    />
  );
}
