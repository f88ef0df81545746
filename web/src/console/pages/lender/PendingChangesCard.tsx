import { Alert, Button, Card, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type CombinedError, useMutation } from "urql";
import { ApproveAdminChangeDocument, RejectAdminChangeDocument } from "../../../generated/graphql";
import { useSession } from "../../../shared/session";
import { GatewayErrorAlert } from "../../components/GatewayErrorAlert";
import { formatTime } from "../../components/format";
import type { CardProps } from "./types";
import { TableHead } from "../../components/TableHead";

/**
 * Dual control made visible: another admin's change can be approved here; one's own shows that it
 * needs someone else, its approve button disabled with the reason beside it (the gateway would
 * refuse it anyway: SAME_ADMIN).
 */
export function PendingChangesCard({ lender, refresh }: CardProps) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [, approve] = useMutation(ApproveAdminChangeDocument);
  const [, reject] = useMutation(RejectAdminChangeDocument);

  async function decide(id: string, decision: "approve" | "reject") {
    const result = decision === "approve" ? await approve({ id }) : await reject({ id });
    setFailure(result.error);
    if (result.error) return;
    setNotice(decision === "approve" ? t("lender.approved") : t("lender.rejected"));
    refresh();
  }

  return (
    <Card withBorder component="section" aria-labelledby="pending-heading">
      <Stack>
        <Title order={3} id="pending-heading">{t("lender.pending")}</Title>
        {notice && <Alert color="blue" role="status">{notice}</Alert>}
        <GatewayErrorAlert error={failure} />
        {lender.pendingChanges.length === 0 ? <Text>{t("lender.noPending")}</Text> : (
          <Table>
            <TableHead labels={[t("lender.kind"), t("lender.summary"), t("lender.requestedBy"), t("lender.expiresAt"), t("actions")]} />
            <Table.Tbody>
              {lender.pendingChanges.map(change => {
                const own = change.requestedBy === session.subject;
                const reasonId = `own-change-${change.id}`;
                return (
                  <Table.Tr key={change.id}>
                    <Table.Td>{t(`changeKind.${change.kind}`)}</Table.Td>
                    <Table.Td>{change.summary}</Table.Td>
                    <Table.Td>{change.requestedBy}</Table.Td>
                    <Table.Td>{formatTime(change.expiresAt, i18n.language)}</Table.Td>
                    <Table.Td>
                      <Stack gap={4}>
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" disabled={own} aria-describedby={own ? reasonId : undefined} onClick={() => void decide(change.id, "approve")}>{t("lender.approve")}</Button>
                          <Button size="xs" variant="default" onClick={() => void decide(change.id, "reject")}>{t("lender.reject")}</Button>
                        </Group>
                        {own && <Text size="sm" id={reasonId} data-testid="own-change-reason">{t("lender.ownChange")}</Text>}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
