import { Alert, Button, Card, Checkbox, Group, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CombinedError, useMutation } from "urql";
import { type PiiCategory, SetFieldPermissionsDocument } from "../../../generated/graphql";
import { GatewayErrorAlert } from "../../components/GatewayErrorAlert";
import type { CardProps } from "./types";

export const CATEGORIES: PiiCategory[] = ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"];

/** Requests a change of the permitted categories: narrowing applies, widening waits for a second admin. */
export function PermissionsCard({ lender, refresh }: CardProps) {
  const { t } = useTranslation();
  const [chosen, setChosen] = useState<string[]>(lender.permittedCategories);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [state, setFieldPermissions] = useMutation(SetFieldPermissionsDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await setFieldPermissions({ lenderId: lender.id, categories: chosen as PiiCategory[] });
    setFailure(result.error);
    if (!result.data) return;
    const applied = result.data.setFieldPermissions.permittedCategories;
    const widened = chosen.some(category => !applied.includes(category as PiiCategory));
    setNotice(widened ? t("lender.permissionsRequested") : t("lender.permissionsApplied"));
    refresh();
  }

  return (
    <Card withBorder component="section" aria-labelledby="permissions-heading">
      <form onSubmit={submit}>
        <Stack>
          <Title order={3} id="permissions-heading">{t("lender.permissions")}</Title>
          <Text size="sm">{t("lender.permittedNow", { categories: lender.permittedCategories.map(category => t(`category.${category}`)).join("、") || t("shared:none") })}</Text>
          <Checkbox.Group label={t("lender.requestPermissions")} description={t("lender.permissionsHelp")} value={chosen} onChange={setChosen}>
            <Group mt="xs">
              {CATEGORIES.map(category => <Checkbox key={category} value={category} label={t(`category.${category}`)} />)}
            </Group>
          </Checkbox.Group>
          {notice && <Alert color="blue" role="status">{notice}</Alert>}
          <GatewayErrorAlert error={failure} />
          <Group><Button type="submit" loading={state.fetching} disabled={lender.status === "OFFBOARDED"}>{t("lender.requestPermissions")}</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}
