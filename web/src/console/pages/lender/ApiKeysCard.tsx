import { Alert, Button, Card, Code, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { type CombinedError, useMutation } from "urql";
import { IssueApiKeyDocument, RevokeApiKeyDocument } from "../../../generated/graphql";
import { GatewayErrorAlert } from "../../components/GatewayErrorAlert";
import { formatTime } from "../../components/format";
import type { CardProps } from "./types";
import { TableHead } from "../../components/TableHead";

/**
 * Development only: platform-issued keys (production refuses to issue them). The new secret is
 * shown once, in this card's state, and never stored or logged by the page.
 */
export function ApiKeysCard({ lender, refresh }: CardProps) {
  const { t, i18n } = useTranslation();
  const [secret, setSecret] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [issued, issue] = useMutation(IssueApiKeyDocument);
  const [, revoke] = useMutation(RevokeApiKeyDocument);
  const keys = lender.apiKeys ?? [];

  async function issueKey() {
    const result = await issue({ lenderId: lender.id, label: "console" });
    setFailure(result.error);
    setSecret(result.data?.issueApiKey.secret ?? null);
    if (!result.error) refresh();
  }
  async function revokeKey(id: string) {
    const result = await revoke({ id });
    setFailure(result.error);
    if (!result.error) refresh();
  }

  return (
    <Card withBorder component="section" aria-labelledby="api-keys-heading">
      <Stack>
        <Title order={3} id="api-keys-heading">{t("lender.apiKeys")}</Title>
        {keys.length === 0 ? <Text>{t("lender.noApiKeys")}</Text> : (
          <Table>
            <TableHead labels={[t("lender.prefix"), t("lender.label"), t("lender.lastUsedAt"), t("lender.revokedAt"), t("actions")]} />
            <Table.Tbody>
              {keys.map(key => (
                <Table.Tr key={key.id}>
                  <Table.Td><Code>{key.prefix}</Code></Table.Td>
                  <Table.Td>{key.label}</Table.Td>
                  <Table.Td>{formatTime(key.lastUsedAt, i18n.language) || t("lender.never")}</Table.Td>
                  <Table.Td>{formatTime(key.revokedAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    {!key.revokedAt && <Button size="xs" color="red.9" aria-label={`${t("lender.revoke")} ${key.prefix}`} onClick={() => void revokeKey(key.id)}>{t("lender.revoke")}</Button>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {secret && <Alert color="yellow" role="status" title={t("lender.issuedSecret")}><Code block>{secret}</Code></Alert>}
        <GatewayErrorAlert error={failure} />
        <Group><Button variant="default" loading={issued.fetching} disabled={lender.status === "OFFBOARDED"} onClick={() => void issueKey()}>{t("lender.issueKey")}</Button></Group>
      </Stack>
    </Card>
  );
}
