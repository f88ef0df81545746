import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { AppFrame } from "../shared/AppFrame";
import { SessionGate } from "../shared/SessionGate";
import { ApplicationPage } from "./pages/ApplicationPage";
import { AuditPage } from "./pages/AuditPage";
import { LenderPage } from "./pages/LenderPage";
import { LendersPage } from "./pages/LendersPage";
import { ProbingPage } from "./pages/ProbingPage";
import { ReportPage } from "./pages/ReportPage";
import { TransparencyPage } from "./pages/TransparencyPage";

/** The admin console: only a token the gateway accepts as an admin's opens it. */
export function ConsoleApp() {
  const { t } = useTranslation();
  const navigation = [
    { path: "lenders", label: t("nav.lenders") },
    { path: "audit", label: t("nav.audit") },
    { path: "applications", label: t("nav.application") },
    { path: "report", label: t("nav.report") },
    { path: "probing", label: t("nav.probing") },
    { path: "transparency", label: t("nav.transparency") },
  ];
  return (
    <SessionGate app="console" role="ADMIN" title={t("title")}>
      <AppFrame title={t("title")} navigation={navigation}>
        <Routes>
          <Route path="/" element={<Navigate to="/lenders" replace />} />
          <Route path="/lenders" element={<LendersPage />} />
          <Route path="/lenders/:id" element={<LenderPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/applications" element={<ApplicationPage />} />
          <Route path="/applications/:id" element={<ApplicationPage />} />
          <Route path="/report" element={<ReportPage />} />
          <Route path="/probing" element={<ProbingPage />} />
          <Route path="/transparency" element={<TransparencyPage />} />
          <Route path="*" element={<Navigate to="/lenders" replace />} />
        </Routes>
      </AppFrame>
    </SessionGate>
  );
}
