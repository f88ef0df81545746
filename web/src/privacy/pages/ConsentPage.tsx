import { Alert, Anchor, Button, Checkbox, Group, Loader, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { ChooseLenderDocument, ConsentApplicationDocument, ConsentNoticeDocument, type PiiCategory } from "../../generated/graphql";
import { ConsentNoticeView } from "../components/ConsentNoticeView";
import { refusedField, useFormat } from "../format";

const ALL_CATEGORIES: PiiCategory[] = ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"];

function sameCategories(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/**
 * The consent screen. PIPL articles 23 and 29 want a separate consent for giving each kind of
 * sensitive data to a third party, so every category is its own checkbox and none is ticked for
 * the applicant. The gateway lists, in a notice for all four categories, the ones this lender is
 * permitted (a notice never promises the others): those are the checkboxes. The notice is then
 * fetched again for exactly the ticked categories, and chooseLender sends that notice's version,
 * so the consent stores what was on the screen; a stale version is refused and the new notice
 * shown. With nothing ticked, nothing can be sent.
 */
export function ConsentPage() {
  const { applicationId = "", lenderId = "" } = useParams();
  const { t } = useTranslation();
  const format = useFormat();
  const [ticked, setTicked] = useState<PiiCategory[]>([]);
  const [{ data: applicationData }] = useQuery({ query: ConsentApplicationDocument, variables: { applicationId } });
  const [permittedNotice] = useQuery({ query: ConsentNoticeDocument, variables: { applicationId, lenderId, categories: ALL_CATEGORIES } });
  const [tickedNotice, refetchTickedNotice] = useQuery({
    query: ConsentNoticeDocument, variables: { applicationId, lenderId, categories: ticked }, pause: ticked.length === 0,
  });
  const [choice, chooseLender] = useMutation(ChooseLenderDocument);
  const [noticeChanged, setNoticeChanged] = useState(false);

  const lenderName = applicationData?.application?.leads.find(lead => lead.lender.id === lenderId)?.lender.name ?? "";
  // In the order applicants know from the application form, not the notice's alphabetical one.
  const permitted = ALL_CATEGORIES.filter(category => permittedNotice.data?.consentNotice.categories.includes(category));
  // The notice on screen must be the one for the boxes ticked now, not a previous answer.
  const shown = ticked.length > 0 && tickedNotice.data && sameCategories(tickedNotice.data.consentNotice.categories, ticked)
    ? tickedNotice.data.consentNotice : null;
  const granted = choice.data?.chooseLender;

  async function consent() {
    if (!shown) return;
    setNoticeChanged(false);
    const result = await chooseLender({ input: { applicationId, lenderId, categories: ticked, noticeVersion: shown.noticeVersion } });
    if (refusedField(result.error) === "noticeVersion") {
      setNoticeChanged(true);
      refetchTickedNotice({ requestPolicy: "network-only" });
    }
  }

  return (
    <Stack>
      <Title order={2}>{t("consent.heading", { lender: lenderName })}</Title>
      {permittedNotice.fetching && !permittedNotice.data && <Loader aria-label={t("shared:loading")} />}
      {permittedNotice.error && <Alert color="red" role="alert">{format.problem(permittedNotice.error)}</Alert>}
      {granted ? (
        <Alert color="green" role="status">
          {t("consent.granted", { lender: lenderName, categories: format.categories(granted.categories), date: format.dateTime(granted.expiresAt) })}
        </Alert>
      ) : permittedNotice.data && (
        <>
          <Text>{t("consent.intro")}</Text>
          <Checkbox.Group label={t("consent.categoriesLegend")} value={ticked} onChange={value => setTicked(value as PiiCategory[])}>
            <Group mt="xs">
              {permitted.map(category => <Checkbox key={category} value={category} label={t(`category.${category}`)} />)}
            </Group>
          </Checkbox.Group>
          {ticked.length === 0 && <Text role="status">{t("consent.tickOne")}</Text>}
          {ticked.length > 0 && !shown && <Loader aria-label={t("consent.noticeLoading")} />}
          {tickedNotice.error && <Alert color="red" role="alert">{format.problem(tickedNotice.error)}</Alert>}
          <ConsentNoticeView notice={shown ?? permittedNotice.data.consentNotice} complete={shown !== null} />
          {noticeChanged && <Alert color="yellow" role="alert">{t("consent.noticeChanged")}</Alert>}
          {choice.error && !noticeChanged && <Alert color="red" role="alert">{format.problem(choice.error)}</Alert>}
          <Group>
            <Button onClick={() => void consent()} disabled={!shown || tickedNotice.fetching} loading={choice.fetching}>
              {t("consent.submit")}
            </Button>
          </Group>
        </>
      )}
      <Anchor component={Link} to={`/applications/${applicationId}`}>{t("consent.backToApplication")}</Anchor>
    </Stack>
  );
}
