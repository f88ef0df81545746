import { Alert, Loader, Stack, Table, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { LendersDocument } from "../../generated/graphql";
import { errorCode } from "../../shared/gateway-client";

export function LendersPage() {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: LendersDocument, variables: { first: 50 } });
  return (
    <Stack>
      <Title order={2}>{t("lenders.heading")}</Title>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      {error && <Alert color="red" role="alert">{t("shared:error", { code: errorCode(error) })}</Alert>}
      {data && (
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("lenders.name")}</Table.Th>
              <Table.Th>{t("lenders.legalName")}</Table.Th>
              <Table.Th>{t("lenders.status")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.lenders.edges.map(({ node }) => (
              <Table.Tr key={node.id}>
                <Table.Td>{node.name}</Table.Td>
                <Table.Td>{node.legalName}</Table.Td>
                <Table.Td>{node.status}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
