import { Button, Card, Code, Group, Loader, NumberInput, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { AdminActionLogDocument, LenderAnomaliesDocument } from "../../generated/graphql";
import { CursorPager, useCursorPages } from "../components/CursorPager";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { LenderSelect } from "../components/FilterSelects";
import { PeriodForm, recentPeriod } from "../components/PeriodForm";
import { formatTime } from "../components/format";
import { TableHead } from "../components/TableHead";

const PAGE_SIZE = 25;

/** Lenders whose denied reads look like probing, and what admins did. */
export function ProbingPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={2}>{t("probing.heading")}</Title>
      <Anomalies />
      <AdminActions />
    </Stack>
  );
}

function Anomalies() {
  const { t, i18n } = useTranslation();
  const [query, setQuery] = useState(() => ({ ...recentPeriod(1), threshold: 20 }));
  const [threshold, setThreshold] = useState<string | number>(20);
  const [{ data, fetching, error }] = useQuery({ query: LenderAnomaliesDocument, variables: query });
  return (
    <Card withBorder component="section" aria-labelledby="anomalies-heading">
      <Stack>
        <Title order={3} id="anomalies-heading">{t("probing.anomalies")}</Title>
        <PeriodForm initial={query} onApply={period => setQuery({ ...period, threshold: Number(threshold) || 0 })}>
          <NumberInput label={t("probing.threshold")} value={threshold} onChange={setThreshold} min={0} allowDecimal={false} w={160} />
        </PeriodForm>
        {fetching && !data && <Loader aria-label={t("shared:loading")} />}
        <GatewayErrorAlert error={error} />
        {data && data.lenderAnomalies.length === 0 && <Text>{t("probing.noAnomalies")}</Text>}
        {data && data.lenderAnomalies.length > 0 && (
          <Table>
            <TableHead labels={[t("audit.lender"), t("probing.deniedReads"), t("probing.applications"), t("probing.firstAt"), t("probing.lastAt")]} />
            <Table.Tbody>
              {data.lenderAnomalies.map(row => (
                <Table.Tr key={row.lender.id}>
                  <Table.Td>{row.lender.name}</Table.Td>
                  <Table.Td>{row.deniedReads}</Table.Td>
                  <Table.Td>{row.applications}</Table.Td>
                  <Table.Td>{formatTime(row.firstAt, i18n.language)}</Table.Td>
                  <Table.Td>{formatTime(row.lastAt, i18n.language)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

function AdminActions() {
  const { t, i18n } = useTranslation();
  const [actor, setActor] = useState("");
  const [lenderId, setLenderId] = useState("");
  const [filter, setFilter] = useState<{ actor?: string; lenderId?: string }>({});
  const pages = useCursorPages();
  const [{ data, fetching, error }] = useQuery({ query: AdminActionLogDocument, variables: { ...filter, first: PAGE_SIZE, after: pages.after } });
  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter({ actor: actor.trim() || undefined, lenderId: lenderId || undefined });
    pages.reset();
  }
  const rows = data?.adminActionLog.edges.map(edge => edge.node) ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="admin-actions-heading">
      <Stack>
        <Title order={3} id="admin-actions-heading">{t("probing.actions")}</Title>
        <form onSubmit={apply}>
          <Group align="end">
            <TextInput label={t("probing.actor")} value={actor} onChange={event => setActor(event.currentTarget.value)} />
            <LenderSelect label={t("audit.lender")} value={lenderId} onChange={setLenderId} />
            <Button type="submit">{t("apply")}</Button>
          </Group>
        </form>
        {fetching && !data && <Loader aria-label={t("shared:loading")} />}
        <GatewayErrorAlert error={error} />
        {data && rows.length === 0 && <Text>{t("probing.noActions")}</Text>}
        {rows.length > 0 && (
          <Table striped data-testid="admin-actions">
            <TableHead labels={[t("audit.at"), t("probing.actor"), t("probing.action"), t("probing.summary"), t("audit.application"), t("audit.logIndex")]} />
            <Table.Tbody>
              {rows.map(action => (
                <Table.Tr key={action.id}>
                  <Table.Td>{formatTime(action.at, i18n.language)}</Table.Td>
                  <Table.Td>{action.actor}</Table.Td>
                  <Table.Td><Code>{action.action}</Code></Table.Td>
                  <Table.Td>{action.summary}</Table.Td>
                  <Table.Td>{action.applicationId ?? ""}</Table.Td>
                  <Table.Td>{action.logIndex ?? ""}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {data && <CursorPager pages={pages} hasNextPage={data.adminActionLog.pageInfo.hasNextPage} endCursor={data.adminActionLog.pageInfo.endCursor} />}
      </Stack>
    </Card>
  );
}
