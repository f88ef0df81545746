import { BarChart } from "@mantine/charts";
import { Card, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { ReferralReportDocument } from "../../generated/graphql";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { PeriodForm, recentPeriod } from "../components/PeriodForm";
import { TableHead } from "../components/TableHead";

const FUNNEL = [
  { name: "leads", color: "blue.8" }, { name: "offers", color: "cyan.9" }, { name: "chosen", color: "grape.8" }, { name: "funded", color: "green.9" },
] as const;

/** The referral funnel per lender and lenders' identity reads per day, for a period. */
export function ReportPage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState(() => recentPeriod(7));
  const [{ data, fetching, error }] = useQuery({ query: ReferralReportDocument, variables: period });
  const funnel = data?.referralReport.map(row => ({ lender: row.lender.name, leads: row.leads, offers: row.offers, chosen: row.chosen, funded: row.funded })) ?? [];
  const days = data?.identityReadsByDay ?? [];
  return (
    <Stack>
      <Title order={2}>{t("report.heading")}</Title>
      <PeriodForm initial={period} onApply={setPeriod} />
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      <GatewayErrorAlert error={error} />
      {data && (
        <>
          <Card withBorder component="section" aria-labelledby="funnel-heading">
            <Title order={3} id="funnel-heading">{t("report.funnel")}</Title>
            {funnel.length === 0 ? <Text>{t("report.noData")}</Text> : (
              <BarChart h={300} data={funnel} dataKey="lender" withLegend data-testid="funnel-chart"
                series={FUNNEL.map(series => ({ ...series, label: t(`report.${series.name}`) }))} />
            )}
          </Card>
          <Card withBorder component="section" aria-labelledby="reads-heading">
            <Title order={3} id="reads-heading">{t("report.reads")}</Title>
            {days.length === 0 ? <Text>{t("report.noData")}</Text> : (
              <BarChart h={260} data={days} dataKey="day" type="stacked" withLegend data-testid="reads-chart"
                series={[{ name: "granted", color: "blue.8", label: t("report.granted") }, { name: "denied", color: "red.9", label: t("report.denied") }]} />
            )}
          </Card>
          <Card withBorder component="section" aria-labelledby="report-table-heading">
            <Title order={3} id="report-table-heading">{t("report.table")}</Title>
            <Table>
              <TableHead labels={[t("audit.lender"), ...FUNNEL.map(series => t(`report.${series.name}`)), t("report.granted"), t("report.denied")]} />
              <Table.Tbody>
                {data.referralReport.map(row => (
                  <Table.Tr key={row.lender.id}>
                    <Table.Td>{row.lender.name}</Table.Td>
                    {FUNNEL.map(series => <Table.Td key={series.name}>{row[series.name]}</Table.Td>)}
                    <Table.Td>{row.identityReads}</Table.Td>
                    <Table.Td>{row.deniedReads}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </>
      )}
    </Stack>
  );
}
