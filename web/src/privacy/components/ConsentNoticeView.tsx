import { Blockquote, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ConsentNoticeQuery } from "../../generated/graphql";
import { useFormat } from "../format";

export type Notice = ConsentNoticeQuery["consentNotice"];

/**
 * The notice exactly as the gateway returns it (PIPL articles 17 and 23: recipient, contact,
 * purpose, categories, retention, how to withdraw), which is what the consent stores. The
 * gateway writes it in English, so its sentences carry `lang="en"` for screen readers on a
 * Chinese page. `complete` is false until categories are ticked: the parts that do not depend on
 * them are shown, the categories, the full text and the version are not.
 */
export function ConsentNoticeView({ notice, complete }: { notice: Notice; complete: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="consent-notice-heading">
      <Stack>
        <Title order={3} id="consent-notice-heading">{t("consent.noticeHeading")}</Title>
        <Text size="sm">{t("consent.noticeIntro")}</Text>
        <Table variant="vertical" layout="fixed" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={160}>{t("consent.recipient")}</Table.Th>
              <Table.Td>{notice.recipientLegalName}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("consent.contact")}</Table.Th>
              <Table.Td>{notice.recipientContact}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("consent.purpose")}</Table.Th>
              <Table.Td>{t(`dataUse.${notice.purpose}`, { defaultValue: notice.purpose })} ({notice.purpose})</Table.Td>
            </Table.Tr>
            {complete && (
              <Table.Tr>
                <Table.Th>{t("consent.noticeCategories")}</Table.Th>
                <Table.Td data-testid="notice-categories">{format.categories(notice.categories)}</Table.Td>
              </Table.Tr>
            )}
            <Table.Tr>
              <Table.Th>{t("consent.retention")}</Table.Th>
              <Table.Td lang="en">{notice.retention}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t("consent.howToWithdraw")}</Table.Th>
              <Table.Td lang="en">{notice.howToWithdraw}</Table.Td>
            </Table.Tr>
            {complete && (
              <Table.Tr>
                <Table.Th>{t("consent.version")}</Table.Th>
                <Table.Td data-testid="notice-version">{notice.noticeVersion}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
        {complete && (
          <>
            <Title order={4}>{t("consent.fullText")}</Title>
            <Blockquote lang="en" p="md" data-testid="notice-text">{notice.text}</Blockquote>
          </>
        )}
      </Stack>
    </Paper>
  );
}
