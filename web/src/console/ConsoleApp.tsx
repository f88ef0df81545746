import { useTranslation } from "react-i18next";
import { Navigate, Route, Routes } from "react-router";
import { AppFrame } from "../shared/AppFrame";
import { SessionGate } from "../shared/SessionGate";
import { LenderPage } from "./pages/LenderPage";
import { LendersPage } from "./pages/LendersPage";

/** The admin console: only a token the gateway accepts as an admin's opens it. */
export function ConsoleApp() {
  const { t } = useTranslation();
  const navigation = [
    { path: "lenders", label: t("nav.lenders") },
  ];
  return (
    <SessionGate app="console" role="ADMIN" title={t("title")}>
      <AppFrame title={t("title")} navigation={navigation}>
        <Routes>
          <Route path="/" element={<Navigate to="/lenders" replace />} />
          <Route path="/lenders" element={<LendersPage />} />
          <Route path="/lenders/:id" element={<LenderPage />} />
          <Route path="*" element={<Navigate to="/lenders" replace />} />
        </Routes>
      </AppFrame>
    </SessionGate>
  );
}
