import { Alert, Button, Card, Code, Group, Loader, NumberInput, Stack, Table, Text, Title } from "@mantine/core";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../shared/session";
import { type CheckpointCheck, type InclusionCheck, checkCheckpoint, checkInclusion } from "../transparency/log-client";

/** The signed checkpoint and a chosen leaf's inclusion proof, both verified here in the browser. */
export function TransparencyPage() {
  const { t } = useTranslation();
  const session = useSession();
  const [checkpoint, setCheckpoint] = useState<CheckpointCheck | "failed" | null>(null);
  const [index, setIndex] = useState<string | number>("");
  const [inclusion, setInclusion] = useState<InclusionCheck | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const check = await checkCheckpoint().catch(() => "failed" as const);
    setCheckpoint(check);
    return check;
  }, []);
  useEffect(() => { void load(); }, [load]);

  async function prove(event: FormEvent) {
    event.preventDefault();
    if (index === "") return;
    setBusy(true);
    setInclusion(null);
    try {
      // A fresh checkpoint, so a leaf sequenced since the page opened is in its tree.
      const current = await load();
      if (current === "failed" || !current.verified) return;
      setInclusion(await checkInclusion(Number(index), current.checkpoint, session.token).catch(() => ({ outcome: "unavailable" as const, index: Number(index) })));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <Title order={2}>{t("transparency.heading")}</Title>
      <Card withBorder component="section" aria-labelledby="checkpoint-heading">
        <Stack>
          <Title order={3} id="checkpoint-heading">{t("transparency.checkpoint")}</Title>
          {checkpoint === null && <Loader aria-label={t("shared:loading")} />}
          {checkpoint === "failed" && <Alert color="red" role="alert">{t("errors.NETWORK_ERROR")}</Alert>}
          {checkpoint !== null && checkpoint !== "failed" && (checkpoint.verified ? (
            <>
              <Alert color="green" role="status" data-testid="checkpoint-verified">{t("transparency.signatureVerified")}</Alert>
              <Table>
                <Table.Tbody>
                  <Table.Tr><Table.Th>{t("transparency.origin")}</Table.Th><Table.Td><Code>{checkpoint.checkpoint.origin}</Code></Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>{t("transparency.size")}</Table.Th><Table.Td>{checkpoint.checkpoint.size}</Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>{t("transparency.root")}</Table.Th><Table.Td><Code>{checkpoint.rootBase64}</Code></Table.Td></Table.Tr>
                  <Table.Tr><Table.Th>{t("transparency.key")}</Table.Th><Table.Td><Code data-testid="verifier-key">{checkpoint.key}</Code></Table.Td></Table.Tr>
                </Table.Tbody>
              </Table>
              <Text size="sm">{t("transparency.keyNote")}</Text>
            </>
          ) : <Alert color="red" role="alert" data-testid="checkpoint-failed">{t("transparency.signatureFailed")}</Alert>)}
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="inclusion-heading">
        <form onSubmit={prove}>
          <Stack>
            <Title order={3} id="inclusion-heading">{t("transparency.prove")}</Title>
            <Group align="end">
              <NumberInput label={t("transparency.leafIndex")} value={index} onChange={setIndex} min={0} allowDecimal={false} w={360} />
              <Button type="submit" loading={busy}>{t("transparency.prove")}</Button>
            </Group>
            {inclusion?.outcome === "verified" && <Alert color="green" role="status" data-testid="inclusion-verified">{t("transparency.proofVerified", inclusion)}</Alert>}
            {inclusion?.outcome === "failed" && <Alert color="red" role="alert" data-testid="inclusion-failed">{t("transparency.proofFailed", inclusion)}</Alert>}
            {inclusion?.outcome === "notInTree" && <Alert color="yellow" role="status">{t("transparency.leafNotInTree")}</Alert>}
            {inclusion?.outcome === "unavailable" && <Alert color="red" role="alert">{t("transparency.proofUnavailable")}</Alert>}
          </Stack>
        </form>
      </Card>
    </Stack>
  );
}
