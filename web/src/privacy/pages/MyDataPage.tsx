import { Alert, Button, Group, List, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useClient, useMutation } from "urql";
import { EraseMyDataDocument } from "../../generated/graphql";
import { useFormat } from "../format";
import { downloadMyData } from "../my-data-download";

/**
 * The applicant's copy of its data (PIPL article 45) and its erasure (PIPL article 47). Erasure
 * cannot be undone, so unlike withdrawal it asks first, in a dialog naming what happens.
 */
export function MyDataPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useClient();
  const [downloaded, setDownloaded] = useState<string | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [confirming, { open, close }] = useDisclosure(false);
  const [erasure, erase] = useMutation(EraseMyDataDocument);

  async function download() {
    setDownloading(true);
    setDownloadError(null);
    const outcome = await downloadMyData(client);
    setDownloading(false);
    if (outcome.ok) setDownloaded(outcome.fileName);
    else setDownloadError(outcome.error ? format.problem(outcome.error) : t("problem.other", { code: "UNKNOWN" }));
  }

  async function confirmErasure() {
    close();
    await erase({});
  }

  const report = erasure.data?.eraseMyData;
  return (
    <Stack>
      <Title order={2}>{t("myData.heading")}</Title>
      <Paper withBorder p="md" component="section" aria-labelledby="download-heading">
        <Stack>
          <Title order={3} id="download-heading">{t("myData.downloadHeading")}</Title>
          <Text>{t("myData.downloadIntro")}</Text>
          <Group><Button onClick={() => void download()} loading={downloading}>{t("myData.download")}</Button></Group>
          {downloaded && <Alert color="green" role="status">{t("myData.downloaded", { file: downloaded })}</Alert>}
          {downloadError && <Alert color="red" role="alert">{downloadError}</Alert>}
        </Stack>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="erase-heading">
        <Stack>
          <Title order={3} id="erase-heading">{t("myData.eraseHeading")}</Title>
          <Text>{t("myData.eraseIntro")}</Text>
          <Group><Button color="red" onClick={open} loading={erasure.fetching}>{t("myData.erase")}</Button></Group>
          {report && (
            <Alert color={report.alreadyErased ? "blue" : "green"} role="status">
              {report.alreadyErased
                ? t("myData.alreadyErased", { date: format.dateTime(report.erasedAt) })
                : t("myData.erased", {
                  date: format.dateTime(report.erasedAt), applications: report.applicationsWithdrawn,
                  consents: report.consentsTerminated, leads: report.leadsClosed,
                })}
            </Alert>
          )}
          {erasure.error && <Alert color="red" role="alert">{format.problem(erasure.error)}</Alert>}
        </Stack>
      </Paper>
      <Modal
        opened={confirming} onClose={close} title={t("myData.eraseTitle")} centered
        closeButtonProps={{ "aria-label": t("myData.eraseClose") }}
      >
        <Stack>
          <Text>{t("myData.eraseWhat")}</Text>
          <List spacing="xs">
            <List.Item>{t("myData.eraseStepValues")}</List.Item>
            <List.Item>{t("myData.eraseStepApplications")}</List.Item>
            <List.Item>{t("myData.eraseStepConsents")}</List.Item>
            <List.Item>{t("myData.eraseStepLog")}</List.Item>
          </List>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>{t("myData.eraseCancel")}</Button>
            <Button color="red" onClick={() => void confirmErasure()}>{t("myData.eraseConfirm")}</Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
