import { Alert, Badge, Button, Card, Code, Group, Stack, Table, Text, TextInput, Textarea, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CombinedError, useMutation } from "urql";
import { RegisterLenderPublicKeyDocument, RevokeLenderPublicKeyDocument } from "../../../generated/graphql";
import { GatewayErrorAlert } from "../../components/GatewayErrorAlert";
import { BADGE } from "../../components/badge-colors";
import { formatTime } from "../../components/format";
import type { CardProps } from "./types";
import { TableHead } from "../../components/TableHead";

/** The lender's own public keys: register one its team pasted (a second admin approves it), revoke one. */
export function PublicKeysCard({ lender, refresh }: CardProps) {
  const { t, i18n } = useTranslation();
  const [jwk, setJwk] = useState("");
  const [label, setLabel] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [registered, register] = useMutation(RegisterLenderPublicKeyDocument);
  const [, revoke] = useMutation(RevokeLenderPublicKeyDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await register({ lenderId: lender.id, publicKeyJwk: jwk.trim(), label: label.trim() || null });
    setFailure(result.error);
    if (result.error) return;
    setJwk("");
    setLabel("");
    setNotice(t("lender.keyRequested"));
    refresh();
  }
  async function revokeKey(id: string) {
    const result = await revoke({ id });
    setFailure(result.error);
    if (!result.error) refresh();
  }

  return (
    <Card withBorder component="section" aria-labelledby="public-keys-heading">
      <Stack>
        <Title order={3} id="public-keys-heading">{t("lender.publicKeys")}</Title>
        {lender.publicKeys.length === 0 ? <Text>{t("lender.noPublicKeys")}</Text> : (
          <Table>
            <TableHead labels={[t("lender.kid"), t("lender.label"), t("lender.keyState"), t("lender.lastUsedAt"), t("actions")]} />
            <Table.Tbody>
              {lender.publicKeys.map(key => (
                <Table.Tr key={key.id}>
                  <Table.Td><Code>{key.kid}</Code> ({key.algorithm})</Table.Td>
                  <Table.Td>{key.label}</Table.Td>
                  <Table.Td>
                    {key.revokedAt ? <Badge color={BADGE.neutral}>{t("lender.keyRevoked")}</Badge>
                      : key.approvedAt ? <Badge color={BADGE.good}>{t("lender.keyActive")}</Badge>
                        : <Badge color={BADGE.warning}>{t("lender.keyPending")}</Badge>}
                  </Table.Td>
                  <Table.Td>{formatTime(key.lastUsedAt, i18n.language) || t("lender.never")}</Table.Td>
                  <Table.Td>
                    {!key.revokedAt && <Button size="xs" color="red.9" aria-label={`${t("lender.revoke")} ${key.kid}`} onClick={() => void revokeKey(key.id)}>{t("lender.revoke")}</Button>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <form onSubmit={submit}>
          <Stack>
            <Textarea label={t("lender.jwk")} value={jwk} onChange={event => setJwk(event.currentTarget.value)} required autosize minRows={3} spellCheck={false} />
            <TextInput label={t("lender.label")} value={label} onChange={event => setLabel(event.currentTarget.value)} />
            {notice && <Alert color="blue" role="status">{notice}</Alert>}
            <GatewayErrorAlert error={failure} />
            <Group><Button type="submit" loading={registered.fetching} disabled={lender.status === "OFFBOARDED"}>{t("lender.registerKey")}</Button></Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}
