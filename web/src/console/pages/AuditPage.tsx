import { Anchor, Button, Code, Group, Loader, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { type AccessOutcome, type AccessReason, type AuditFilter, AuditLogDocument, type ReaderKind } from "../../generated/graphql";
import { CursorPager, useCursorPages } from "../components/CursorPager";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { EnumSelect, LenderSelect } from "../components/FilterSelects";
import { formatTime, isoFromLocalInput } from "../components/format";
import { TableHead } from "../components/TableHead";

const PAGE_SIZE = 25;
const READER_KINDS: ReaderKind[] = ["LENDER", "APPLICANT", "ADMIN"];
const OUTCOMES: AccessOutcome[] = ["GRANTED", "DENIED"];
const REASONS: AccessReason[] = [
  "NO_CONSENT", "CONSENT_WITHDRAWN", "CONSENT_EXPIRED", "CONSENT_TERMINATED", "CATEGORY_NOT_CONSENTED",
  "PARTNER_NOT_PERMITTED", "LENDER_SUSPENDED", "NOT_OWNER", "DAILY_READ_BUDGET",
];

interface Form {
  lenderId: string; applicationId: string; readerKind: ReaderKind | ""; outcome: AccessOutcome | ""; reason: AccessReason | ""; from: string; to: string;
}
const EMPTY: Form = { lenderId: "", applicationId: "", readerKind: "", outcome: "", reason: "", from: "", to: "" };

/** The form as the gateway's filter: empty fields left out, times read as UTC. */
function toFilter(form: Form): AuditFilter {
  return {
    lenderId: form.lenderId || undefined, applicationId: form.applicationId.trim() || undefined,
    readerKind: form.readerKind || undefined, outcome: form.outcome || undefined, reason: form.reason || undefined,
    from: isoFromLocalInput(form.from), to: isoFromLocalInput(form.to),
  };
}

/** The identity access log, newest first, filtered on the server; values never appear, only which field was read. */
export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [form, setForm] = useState<Form>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const pages = useCursorPages();
  const [{ data, fetching, error }] = useQuery({ query: AuditLogDocument, variables: { filter, first: PAGE_SIZE, after: pages.after } });
  const set = <Key extends keyof Form>(key: Key) => (value: Form[Key]) => setForm(current => ({ ...current, [key]: value }));

  function apply(event: FormEvent) {
    event.preventDefault();
    setFilter(toFilter(form));
    pages.reset();
  }
  function clear() {
    setForm(EMPTY);
    setFilter({});
    pages.reset();
  }

  const rows = data?.auditLog.edges.map(edge => edge.node) ?? [];
  return (
    <Stack>
      <Title order={2}>{t("audit.heading")}</Title>
      <form onSubmit={apply} aria-label={t("audit.heading")}>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <LenderSelect label={t("audit.lender")} value={form.lenderId} onChange={set("lenderId")} />
            <TextInput label={t("audit.application")} value={form.applicationId} onChange={event => set("applicationId")(event.currentTarget.value)} />
            <EnumSelect label={t("audit.readerKind")} values={READER_KINDS} words="readerKind" value={form.readerKind} onChange={set("readerKind")} />
            <EnumSelect label={t("audit.outcome")} values={OUTCOMES} words="outcome" value={form.outcome} onChange={set("outcome")} />
            <EnumSelect label={t("audit.reason")} values={REASONS} words="reason" value={form.reason} onChange={set("reason")} />
            <TextInput type="datetime-local" label={`${t("audit.from")} (UTC)`} value={form.from} onChange={event => set("from")(event.currentTarget.value)} />
            <TextInput type="datetime-local" label={`${t("audit.to")} (UTC)`} value={form.to} onChange={event => set("to")(event.currentTarget.value)} />
          </SimpleGrid>
          <Group>
            <Button type="submit">{t("apply")}</Button>
            <Button variant="default" onClick={clear}>{t("clear")}</Button>
          </Group>
        </Stack>
      </form>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      <GatewayErrorAlert error={error} />
      {data && rows.length === 0 && <Text>{t("audit.empty")}</Text>}
      {rows.length > 0 && (
        <Table striped data-testid="audit-rows">
          <TableHead labels={[t("audit.at"), t("audit.readerKind"), t("audit.lender"), t("audit.application"), t("audit.field"), t("audit.outcome"), t("audit.reason"), t("audit.logIndex")]} />
          <Table.Tbody>
            {rows.map(read => (
              <Table.Tr key={read.id}>
                <Table.Td>{formatTime(read.at, i18n.language)}</Table.Td>
                <Table.Td>{t(`readerKind.${read.readerKind}`)}</Table.Td>
                <Table.Td>{read.lender?.name ?? ""}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/applications/${read.applicationId}`} aria-label={t("audit.openApplication", { id: read.applicationId })}>
                    <Code>{read.applicationId.slice(0, 8)}</Code>
                  </Anchor>
                </Table.Td>
                <Table.Td>{t(`category.${read.category}`)} (<Code>{read.field}</Code>)</Table.Td>
                <Table.Td>{t(`outcome.${read.outcome}`)}</Table.Td>
                <Table.Td>{read.reason ? t(`reason.${read.reason}`, { defaultValue: read.reason }) : ""}</Table.Td>
                <Table.Td>{read.logIndex ?? ""}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && <CursorPager pages={pages} hasNextPage={data.auditLog.pageInfo.hasNextPage} endCursor={data.auditLog.pageInfo.endCursor} />}
    </Stack>
  );
}
