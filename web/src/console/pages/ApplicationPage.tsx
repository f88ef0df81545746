import { Alert, Button, Card, Group, Loader, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { useQuery } from "urql";
import { ConsoleApplicationDocument } from "../../generated/graphql";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { formatTime } from "../components/format";

const IDENTITY_FIELDS = ["fullName", "nationalId", "phone", "email"] as const;

/** Opens an application by id: the id goes into the path, never a query string. */
export function ApplicationLookup() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { id: current = "" } = useParams();
  const [id, setId] = useState(current);
  function open(event: FormEvent) {
    event.preventDefault();
    if (id.trim()) navigate(`/applications/${encodeURIComponent(id.trim())}`);
  }
  return (
    <form onSubmit={open}>
      <Group align="end">
        <TextInput label={t("application.lookup")} value={id} onChange={event => setId(event.currentTarget.value)} w={380} />
        <Button type="submit">{t("application.open")}</Button>
      </Group>
    </form>
  );
}

/**
 * One application as an admin sees it: identity masked by the gateway (never unmasked here), its
 * leads and consents. The gateway records the opening as `readApplication` in the admin action log.
 */
export function ApplicationPage() {
  const { t, i18n } = useTranslation();
  const { id } = useParams();
  return (
    <Stack>
      <Title order={2}>{t("application.heading")}</Title>
      <ApplicationLookup key={id} />
      <Text size="sm">{t("application.recorded")}</Text>
      {id && <ApplicationDetails id={id} language={i18n.language} />}
    </Stack>
  );
}

function ApplicationDetails({ id, language }: { id: string; language: string }) {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: ConsoleApplicationDocument, variables: { id }, requestPolicy: "network-only" });
  if (fetching && !data) return <Loader aria-label={t("shared:loading")} />;
  if (error) return <GatewayErrorAlert error={error} />;
  const application = data?.application;
  if (!application) return <Alert color="yellow" role="status">{t("application.notFound")}</Alert>;
  const { applicant } = application;
  const facts: Array<[string, string]> = [
    [t("application.amount"), String(application.amount)], [t("application.termMonths"), String(application.termMonths)],
    [t("application.purpose"), t(`purpose.${application.purpose}`)], [t("application.status"), t(`applicationStatus.${application.status}`)],
    [t("application.createdAt"), formatTime(application.createdAt, language)],
  ];
  return (
    <Stack>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder component="section" aria-labelledby="application-facts">
          <Title order={3} id="application-facts">{application.id}</Title>
          <Table><Table.Tbody>{facts.map(([label, value]) => <Table.Tr key={label}><Table.Th>{label}</Table.Th><Table.Td>{value}</Table.Td></Table.Tr>)}</Table.Tbody></Table>
        </Card>
        <Card withBorder component="section" aria-labelledby="applicant-heading">
          <Title order={3} id="applicant-heading">{t("application.applicant")}</Title>
          <Table data-testid="masked-identity">
            <Table.Tbody>
              <Table.Tr><Table.Th>{t("application.city")}</Table.Th><Table.Td>{applicant.city}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t("application.ageBand")}</Table.Th><Table.Td>{applicant.ageBand}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t("application.incomeBand")}</Table.Th><Table.Td>{applicant.incomeBand ?? ""}</Table.Td></Table.Tr>
              {IDENTITY_FIELDS.map(field => (
                <Table.Tr key={field}><Table.Th>{t(`application.${field}`)}</Table.Th><Table.Td>{applicant[field] ?? ""}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
      <Card withBorder component="section" aria-labelledby="consents-heading">
        <Title order={3} id="consents-heading">{t("application.consents")}</Title>
        <Table>
          <Table.Tbody>
            {application.consents.map(consent => (
              <Table.Tr key={consent.id}>
                <Table.Td>{consent.lender.name}</Table.Td>
                <Table.Td>{consent.categories.map(category => t(`category.${category}`)).join("、")}</Table.Td>
                <Table.Td>{t(`consentStatus.${consent.status}`)}</Table.Td>
                <Table.Td>{formatTime(consent.grantedAt, language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
      <Card withBorder component="section" aria-labelledby="leads-heading">
        <Title order={3} id="leads-heading">{t("application.leads")}</Title>
        <Table>
          <Table.Tbody>
            {application.leads.map(lead => <Table.Tr key={lead.id}><Table.Td>{lead.lender.name}</Table.Td><Table.Td>{t(`leadStatus.${lead.status}`)}</Table.Td></Table.Tr>)}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
