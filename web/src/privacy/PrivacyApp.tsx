import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { AppFrame } from "../shared/AppFrame";
import { SessionGate } from "../shared/SessionGate";
import { AccessLogPage } from "./pages/AccessLogPage";
import { ApplicationPage } from "./pages/ApplicationPage";
import { ApplicationsPage } from "./pages/ApplicationsPage";
import { ConsentPage } from "./pages/ConsentPage";
import { MyDataPage } from "./pages/MyDataPage";

/**
 * The applicant's privacy centre: only a token the gateway accepts as an applicant's opens it.
 * A reference for the supermarket's own frontend: each page exercises one of the applicant's
 * rights through the gateway's public API, nothing else.
 */
export function PrivacyApp() {
  const { t } = useTranslation();
  const navigation = [
    { path: "applications", label: t("nav.applications") },
    { path: "access-log", label: t("nav.accessLog") },
    { path: "my-data", label: t("nav.myData") },
  ];
  return (
    <SessionGate app="privacy" role="APPLICANT" title={t("title")}>
      <AppFrame title={t("title")} navigation={navigation}>
        <Routes>
          <Route path="/" element={<Navigate to="/applications" replace />} />
          <Route path="/applications" element={<ApplicationsPage />} />
          <Route path="/applications/:applicationId" element={<ApplicationPage />} />
          <Route path="/applications/:applicationId/choose/:lenderId" element={<ConsentPage />} />
          <Route path="/access-log" element={<AccessLogPage />} />
          <Route path="/my-data" element={<MyDataPage />} />
          <Route path="*" element={<Navigate to="/applications" replace />} />
        </Routes>
      </AppFrame>
    </SessionGate>
  );
}
