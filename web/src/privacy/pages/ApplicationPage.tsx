import { Alert, Anchor, Button, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { PrivacyApplicationDocument, type PrivacyApplicationQuery } from "../../generated/graphql";
import { ConsentsTable } from "../components/ConsentsTable";
import { useFormat } from "../format";

type Lead = NonNullable<PrivacyApplicationQuery["application"]>["leads"][number];

/** Leads a consent can still be given on: the gateway refuses the others (LEAD_NOT_CHOOSABLE). */
const CHOOSABLE_LEADS: ReadonlySet<Lead["status"]> = new Set(["NEW", "OFFERED", "CHOSEN", "APPROVED"]);

/**
 * One application: the lenders that received it anonymized, with their offers and a way to
 * choose each, and the consents given (the lenders chosen and for which categories), each
 * withdrawable in one click.
 */
export function ApplicationPage() {
  const { applicationId = "" } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const [{ data, fetching, error }] = useQuery({ query: PrivacyApplicationDocument, variables: { id: applicationId } });
  const application = data?.application;
  return (
    <Stack>
      <Title order={2}>{t("application.heading")}</Title>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      {error && <Alert color="red" role="alert">{format.problem(error)}</Alert>}
      {data && !application && <Alert color="yellow" role="alert">{t("application.notFound")}</Alert>}
      {application && (
        <>
          <Text>
            {format.dateTime(application.createdAt)} ·{" "}
            {t("application.summary", {
              amount: application.amount, term: application.termMonths,
              purpose: t(`loanPurpose.${application.purpose}`), status: t(`applicationStatus.${application.status}`),
            })}
          </Text>
          <Title order={3}>{t("application.offersHeading")}</Title>
          <Text size="sm">{t("application.offersIntro")}</Text>
          {application.leads.length === 0 ? <Text>{t("application.noLeads")}</Text> : (
            <LeadsTable applicationId={application.id} open={application.status === "SUBMITTED"} leads={application.leads} />
          )}
          <Title order={3}>{t("application.consentsHeading")}</Title>
          <Text size="sm">{t("application.consentsIntro")}</Text>
          {application.consents.length === 0 ? <Text>{t("application.noConsents")}</Text> : <ConsentsTable consents={application.consents} />}
        </>
      )}
      <Anchor component={Link} to="/applications">{t("application.back")}</Anchor>
    </Stack>
  );
}

function LeadsTable({ applicationId, open, leads }: { applicationId: string; open: boolean; leads: Lead[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table striped>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("application.lender")}</Table.Th>
          <Table.Th>{t("application.leadStatus")}</Table.Th>
          <Table.Th>{t("application.offer")}</Table.Th>
          <Table.Th>{t("application.chooseLabel")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {leads.map(lead => (
          <Table.Tr key={lead.id}>
            <Table.Td>{lead.lender.name}</Table.Td>
            <Table.Td>{t(`leadStatus.${lead.status}`)}</Table.Td>
            <Table.Td>
              {lead.offer ? (
                <>
                  {t("application.offerTerms", { apr: lead.offer.apr, amount: lead.offer.amount, term: lead.offer.termMonths })}
                  {lead.offer.expiresAt && <Text size="sm" c="dimmed">{t("application.offerExpires", { date: format.dateTime(lead.offer.expiresAt) })}</Text>}
                </>
              ) : t("application.noOffer")}
            </Table.Td>
            <Table.Td>
              {open && CHOOSABLE_LEADS.has(lead.status) && (
                <Button component={Link} to={`/applications/${applicationId}/choose/${lead.lender.id}`} size="xs" variant="light">
                  {t("application.choose", { lender: lead.lender.name })}
                </Button>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
