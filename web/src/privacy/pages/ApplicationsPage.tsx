import { Alert, Anchor, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useQuery } from "urql";
import { MyApplicationsDocument } from "../../generated/graphql";
import { useFormat } from "../format";

/** The applicant's applications, newest first, with the offers received and the lenders chosen for which categories; each opens its page. */
export function ApplicationsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const [{ data, fetching, error }] = useQuery({ query: MyApplicationsDocument, variables: { first: 50 } });
  const applications = data?.myApplications.edges.map(edge => edge.node) ?? [];
  return (
    <Stack>
      <Title order={2}>{t("applications.heading")}</Title>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      {error && <Alert color="red" role="alert">{format.problem(error)}</Alert>}
      {data && applications.length === 0 && <Text>{t("applications.empty")}</Text>}
      {applications.length > 0 && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("applications.submittedAt")}</Table.Th>
              <Table.Th>{t("applications.amount")}</Table.Th>
              <Table.Th>{t("applications.term")}</Table.Th>
              <Table.Th>{t("applications.purpose")}</Table.Th>
              <Table.Th>{t("applications.status")}</Table.Th>
              <Table.Th>{t("applications.offers")}</Table.Th>
              <Table.Th>{t("applications.chosen")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {applications.map(node => (
              <Table.Tr key={node.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/applications/${node.id}`} aria-label={t("applications.open", { date: format.dateTime(node.createdAt) })}>
                    {format.dateTime(node.createdAt)}
                  </Anchor>
                </Table.Td>
                <Table.Td>{node.amount}</Table.Td>
                <Table.Td>{node.termMonths}</Table.Td>
                <Table.Td>{t(`loanPurpose.${node.purpose}`)}</Table.Td>
                <Table.Td>{t(`applicationStatus.${node.status}`)}</Table.Td>
                <Table.Td>{node.leads.filter(lead => lead.offer).length}</Table.Td>
                <Table.Td>
                  {node.consents.length === 0 ? t("shared:none") : node.consents.map(consent => (
                    <Text key={consent.id} size="sm">
                      {t("applications.chosenLender", {
                        lender: consent.lender.name, categories: format.categories(consent.categories), status: t(`consentStatus.${consent.status}`),
                      })}
                    </Text>
                  ))}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
