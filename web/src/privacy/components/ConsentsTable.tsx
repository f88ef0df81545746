import { Alert, Button, Stack, Table } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import { type PrivacyApplicationQuery, WithdrawConsentDocument } from "../../generated/graphql";
import { useFormat } from "../format";

type Consent = NonNullable<PrivacyApplicationQuery["application"]>["consents"][number];

/**
 * The lenders chosen and for which categories. Withdrawing is one click with no confirmation
 * step: PIPL article 15 wants withdrawal as easy as giving consent, and giving it was one click
 * on the consent screen. The result is shown in words, and the table refetches (the mutation
 * returns a Consent, which the client's document cache invalidates the page's query on).
 */
export function ConsentsTable({ consents }: { consents: Consent[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [withdrawal, withdraw] = useMutation(WithdrawConsentDocument);
  const [withdrawnFrom, setWithdrawnFrom] = useState<string | null>(null);

  async function withdrawFrom(consent: Consent) {
    setWithdrawnFrom(null);
    const result = await withdraw({ consentId: consent.id });
    if (!result.error) setWithdrawnFrom(consent.lender.name);
  }

  return (
    <Stack>
      {withdrawnFrom && <Alert color="green" role="status">{t("application.withdrawn", { lender: withdrawnFrom })}</Alert>}
      {withdrawal.error && <Alert color="red" role="alert">{format.problem(withdrawal.error)}</Alert>}
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("application.lender")}</Table.Th>
            <Table.Th>{t("application.categories")}</Table.Th>
            <Table.Th>{t("application.consentStatus")}</Table.Th>
            <Table.Th>{t("application.grantedAt")}</Table.Th>
            <Table.Th>{t("application.endedAt")}</Table.Th>
            <Table.Th>{t("application.withdrawLabel")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {consents.map(consent => (
            <Table.Tr key={consent.id}>
              <Table.Td>{consent.lender.name}</Table.Td>
              <Table.Td>{format.categories(consent.categories)}</Table.Td>
              <Table.Td>
                {t(`consentStatus.${consent.status}`)}
                {consent.endReason && ` · ${t(`endReason.${consent.endReason}`)}`}
              </Table.Td>
              <Table.Td>{format.dateTime(consent.grantedAt)}</Table.Td>
              <Table.Td>
                {consent.status === "ACTIVE" ? `${t("application.expiresAt")}: ${format.dateTime(consent.expiresAt)}` : format.dateTime(consent.endedAt)}
              </Table.Td>
              <Table.Td>
                {consent.status === "ACTIVE" && (
                  <Button color="red" variant="light" size="xs" loading={withdrawal.fetching} onClick={() => void withdrawFrom(consent)}>
                    {t("application.withdraw", { lender: consent.lender.name })}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
