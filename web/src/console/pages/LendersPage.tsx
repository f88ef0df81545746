import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { type CombinedError, useMutation, useQuery } from "urql";
import {
  CreateLenderDocument, type LenderStatus, type LendersQuery, LendersDocument, OffboardLenderDocument, SetLenderStatusDocument, UpdateLenderDocument,
} from "../../generated/graphql";
import { BADGE } from "../components/badge-colors";
import { ConsoleModal } from "../components/ConsoleModal";
import { CursorPager, useCursorPages } from "../components/CursorPager";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { EnumSelect } from "../components/FilterSelects";
import { LenderForm, type LenderFormValues, NEW_LENDER } from "./LenderForm";
import { TableHead } from "../components/TableHead";

type Row = LendersQuery["lenders"]["edges"][number]["node"];
type Dialog = { kind: "create" } | { kind: "edit"; lender: Row } | { kind: "offboard"; lender: Row } | null;

const PAGE_SIZE = 20;
const STATUSES: LenderStatus[] = ["ACTIVE", "SUSPENDED", "OFFBOARDED"];
export const STATUS_COLOR: Record<LenderStatus, string> = { ACTIVE: BADGE.good, SUSPENDED: BADGE.warning, OFFBOARDED: BADGE.neutral };

/** Every lender, filtered by status on the server, with onboarding, edits, suspension and offboarding. */
export function LendersPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<LenderStatus | null>(null);
  const pages = useCursorPages();
  const [{ data, fetching, error }, refetch] = useQuery({
    query: LendersDocument,
    variables: { first: PAGE_SIZE, after: pages.after, status },
  });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [created, createLender] = useMutation(CreateLenderDocument);
  const [updated, updateLender] = useMutation(UpdateLenderDocument);
  const [, setLenderStatus] = useMutation(SetLenderStatusDocument);
  const [offboarded, offboardLender] = useMutation(OffboardLenderDocument);

  async function done(result: { error?: CombinedError }, message: string) {
    setFailure(result.error);
    if (result.error) return;
    setDialog(null);
    setNotice(message);
    refetch({ requestPolicy: "network-only" });
  }
  async function create(values: LenderFormValues) {
    await done(await createLender({ input: values }), t("lenders.created", { name: values.name }));
  }
  async function update(lender: Row, values: LenderFormValues) {
    await done(await updateLender({ lenderId: lender.id, input: values }), t("lenders.saved"));
  }
  async function changeStatus(lender: Row, next: "ACTIVE" | "SUSPENDED") {
    const result = await setLenderStatus({ lenderId: lender.id, status: next });
    const pending = result.data?.setLenderStatus.pendingChanges.some(change => change.kind === "REACTIVATE_LENDER" && change.status === "PENDING");
    await done(result, next === "SUSPENDED" ? t("lenders.suspended", { name: lender.name }) : pending ? t("lenders.reactivationPending", { name: lender.name }) : t("lenders.saved"));
  }
  async function offboard(lender: Row) {
    await done(await offboardLender({ lenderId: lender.id }), t("lenders.offboarded", { name: lender.name }));
  }

  const rows = data?.lenders.edges.map(edge => edge.node) ?? [];
  return (
    <Stack>
      <Title order={2}>{t("lenders.heading")}</Title>
      <Group align="end">
        <EnumSelect label={t("lenders.statusFilter")} values={STATUSES} words="status" value={status ?? ""}
          onChange={value => { setStatus(value || null); pages.reset(); }} />
        <Button onClick={() => { setFailure(undefined); setDialog({ kind: "create" }); }}>{t("lenders.create")}</Button>
      </Group>
      {notice && <Alert color="blue" role="status">{notice}</Alert>}
      {!dialog && <GatewayErrorAlert error={failure} />}
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      <GatewayErrorAlert error={error} />
      {data && rows.length === 0 && <Text>{t("lenders.empty")}</Text>}
      {rows.length > 0 && (
        <Table striped>
          <TableHead labels={[t("lenders.name"), t("lenders.legalName"), t("lenders.status"), t("lenders.permitted"), t("actions")]} />
          <Table.Tbody>
            {rows.map(lender => (
              <Table.Tr key={lender.id}>
                <Table.Td><Anchor component={Link} to={`/lenders/${lender.id}`}>{lender.name}</Anchor></Table.Td>
                <Table.Td>{lender.legalName}</Table.Td>
                <Table.Td><Badge color={STATUS_COLOR[lender.status]}>{t(`status.${lender.status}`)}</Badge></Table.Td>
                <Table.Td>{lender.permittedCategories.map(category => t(`category.${category}`)).join("、") || t("shared:none")}</Table.Td>
                <Table.Td>
                  {lender.status !== "OFFBOARDED" && (
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" aria-label={`${t("lenders.edit")} ${lender.name}`} onClick={() => { setFailure(undefined); setDialog({ kind: "edit", lender }); }}>{t("lenders.edit")}</Button>
                      {lender.status === "ACTIVE"
                        ? <Button size="xs" variant="default" aria-label={`${t("lenders.suspend")} ${lender.name}`} onClick={() => void changeStatus(lender, "SUSPENDED")}>{t("lenders.suspend")}</Button>
                        : <Button size="xs" variant="default" aria-label={`${t("lenders.reactivate")} ${lender.name}`} onClick={() => void changeStatus(lender, "ACTIVE")}>{t("lenders.reactivate")}</Button>}
                      <Button size="xs" color="red.9" aria-label={`${t("lenders.offboard")} ${lender.name}`} onClick={() => { setFailure(undefined); setDialog({ kind: "offboard", lender }); }}>{t("lenders.offboard")}</Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {data && <CursorPager pages={pages} hasNextPage={data.lenders.pageInfo.hasNextPage} endCursor={data.lenders.pageInfo.endCursor} />}

      <ConsoleModal opened={dialog?.kind === "create" || dialog?.kind === "edit"} onClose={() => setDialog(null)}
        title={dialog?.kind === "edit" ? t("lenders.editTitle", { name: dialog.lender.name }) : t("lenders.createTitle")}>
        <Stack>
          <GatewayErrorAlert error={failure} />
          {dialog?.kind === "create" && <LenderForm initial={NEW_LENDER} busy={created.fetching} onSubmit={values => void create(values)} />}
          {dialog?.kind === "edit" && (
            <LenderForm initial={{ ...dialog.lender, criteria: { ...dialog.lender.criteria, cities: dialog.lender.criteria.cities ?? null } }}
              busy={updated.fetching} onSubmit={values => void update(dialog.lender, values)} />
          )}
        </Stack>
      </ConsoleModal>
      <ConsoleModal opened={dialog?.kind === "offboard"} onClose={() => setDialog(null)}
        title={dialog?.kind === "offboard" ? t("lenders.offboardTitle", { name: dialog.lender.name }) : ""}>
        <Stack>
          <Text>{t("lenders.offboardText")}</Text>
          <GatewayErrorAlert error={failure} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDialog(null)}>{t("shared:cancel")}</Button>
            <Button color="red.9" loading={offboarded.fetching} onClick={() => dialog?.kind === "offboard" && void offboard(dialog.lender)}>{t("lenders.offboard")}</Button>
          </Group>
        </Stack>
      </ConsoleModal>
    </Stack>
  );
}
