import { Alert, Loader, Stack, Table, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { MyApplicationsDocument } from "../../generated/graphql";
import { errorCode } from "../../shared/gateway-client";

export function ApplicationsPage() {
  const { t, i18n } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: MyApplicationsDocument, variables: { first: 50 } });
  return (
    <Stack>
      <Title order={2}>{t("applications.heading")}</Title>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      {error && <Alert color="red" role="alert">{t("shared:error", { code: errorCode(error) })}</Alert>}
      {data && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("applications.submittedAt")}</Table.Th>
              <Table.Th>{t("applications.amount")}</Table.Th>
              <Table.Th>{t("applications.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.myApplications.edges.map(({ node }) => (
              <Table.Tr key={node.id}>
                <Table.Td>{new Date(node.createdAt).toLocaleString(i18n.language === "en" ? "en-GB" : "zh-CN")}</Table.Td>
                <Table.Td>{node.amount}</Table.Td>
                <Table.Td>{node.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
