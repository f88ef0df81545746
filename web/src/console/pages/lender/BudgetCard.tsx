import { Alert, Button, Card, Group, NumberInput, Stack, Text, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CombinedError, useMutation } from "urql";
import { SetLenderReadBudgetDocument } from "../../../generated/graphql";
import { GatewayErrorAlert } from "../../components/GatewayErrorAlert";
import type { CardProps } from "./types";

/** The daily identity-read budget and today's use; lowering applies, raising waits for a second admin. */
export function BudgetCard({ lender, refresh }: CardProps) {
  const { t } = useTranslation();
  const [budget, setBudget] = useState<string | number>("");
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<CombinedError | undefined>();
  const [state, setLenderReadBudget] = useMutation(SetLenderReadBudgetDocument);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await setLenderReadBudget({ lenderId: lender.id, dailyReadBudget: budget === "" ? null : Number(budget) });
    setFailure(result.error);
    if (result.error) return;
    setNotice(t("lender.budgetSaved"));
    refresh();
  }

  return (
    <Card withBorder component="section" aria-labelledby="budget-heading">
      <form onSubmit={submit}>
        <Stack>
          <Title order={3} id="budget-heading">{t("lender.budget")}</Title>
          <Text>{t("lender.budgetValue", { budget: lender.dailyReadBudget ?? "—", used: lender.identityReadsToday ?? 0 })}</Text>
          <NumberInput label={t("lender.newBudget")} value={budget} onChange={setBudget} min={0} allowDecimal={false} />
          {notice && <Alert color="blue" role="status">{notice}</Alert>}
          <GatewayErrorAlert error={failure} />
          <Group><Button type="submit" variant="default" loading={state.fetching}>{t("lender.setBudget")}</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}
