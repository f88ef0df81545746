import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { AppFrame } from "../shared/AppFrame";
import { SessionGate } from "../shared/SessionGate";
import { ApplicationsPage } from "./pages/ApplicationsPage";

/** The applicant's privacy centre: only a token the gateway accepts as an applicant's opens it. */
export function PrivacyApp() {
  const { t } = useTranslation();
  const navigation = [
    { path: "applications", label: t("nav.applications") },
  ];
  return (
    <SessionGate app="privacy" role="APPLICANT" title={t("title")}>
      <AppFrame title={t("title")} navigation={navigation}>
        <Routes>
          <Route path="/" element={<Navigate to="/applications" replace />} />
          <Route path="/applications" element={<ApplicationsPage />} />
          <Route path="*" element={<Navigate to="/applications" replace />} />
        </Routes>
      </AppFrame>
    </SessionGate>
  );
}
