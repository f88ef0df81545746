import { Badge, Card, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { BADGE } from "../../components/badge-colors";
import { formatTime } from "../../components/format";
import type { CardProps } from "./types";
import { TableHead } from "../../components/TableHead";

/** The health of the lender's webhook endpoints, read-only: the lender manages them itself. */
export function WebhooksCard({ lender }: Pick<CardProps, "lender">) {
  const { t, i18n } = useTranslation();
  const endpoints = lender.webhookEndpoints ?? [];
  return (
    <Card withBorder component="section" aria-labelledby="webhooks-heading">
      <Stack>
        <Title order={3} id="webhooks-heading">{t("lender.webhooks")}</Title>
        {endpoints.length === 0 ? <Text>{t("lender.noWebhooks")}</Text> : (
          <Table>
            <TableHead labels={[t("lender.url"), t("lenders.status"), t("lender.lastSuccessAt"), t("lender.lastFailureAt"), t("lender.disabledReason")]} />
            <Table.Tbody>
              {endpoints.map(endpoint => (
                <Table.Tr key={endpoint.id}>
                  <Table.Td>{endpoint.url}</Table.Td>
                  <Table.Td><Badge color={endpoint.status === "ACTIVE" ? BADGE.good : BADGE.neutral}>{t(`lender.webhookStatus.${endpoint.status}`)}</Badge></Table.Td>
                  <Table.Td>{formatTime(endpoint.lastSuccessAt, i18n.language) || t("lender.never")}</Table.Td>
                  <Table.Td>{formatTime(endpoint.lastFailureAt, i18n.language) || t("lender.never")}</Table.Td>
                  <Table.Td>{endpoint.disabledReason ? t(`lender.disabled.${endpoint.disabledReason}`) : ""}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
