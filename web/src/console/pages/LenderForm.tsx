import { Button, Group, NumberInput, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";

export interface LenderFormValues {
  name: string;
  legalName: string;
  contactEmail: string;
  criteria: { minAmount: number; maxAmount: number; minTermMonths: number; maxTermMonths: number; cities: string[] | null };
}

export const NEW_LENDER: LenderFormValues = {
  name: "", legalName: "", contactEmail: "",
  criteria: { minAmount: 1000, maxAmount: 200000, minTermMonths: 3, maxTermMonths: 36, cities: null },
};

/** Creating and editing a lender share one form; the gateway validates every field (BAD_USER_INPUT). */
export function LenderForm({ initial, busy, onSubmit }: { initial: LenderFormValues; busy: boolean; onSubmit: (values: LenderFormValues) => void }) {
  const { t } = useTranslation();
  const [values, setValues] = useState(initial);
  const [cities, setCities] = useState((initial.criteria.cities ?? []).join(", "));
  const text = (key: "name" | "legalName" | "contactEmail") => ({
    label: t(`lenders.${key}`),
    value: values[key],
    required: true,
    onChange: (event: { currentTarget: { value: string } }) => setValues({ ...values, [key]: event.currentTarget.value }),
  });
  const amount = (key: keyof Omit<LenderFormValues["criteria"], "cities">) => ({
    label: t(`lenders.${key}`),
    value: values.criteria[key],
    required: true,
    allowDecimal: false,
    min: 0,
    onChange: (value: string | number) => setValues({ ...values, criteria: { ...values.criteria, [key]: Number(value) } }),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    const served = cities.split(/[,，]/).map(city => city.trim()).filter(Boolean);
    // Only the input's fields: the row it was filled from carries others (id, status, __typename).
    const { name, legalName, contactEmail, criteria: { minAmount, maxAmount, minTermMonths, maxTermMonths } } = values;
    onSubmit({ name, legalName, contactEmail, criteria: { minAmount, maxAmount, minTermMonths, maxTermMonths, cities: served.length > 0 ? served : null } });
  }
  return (
    <form onSubmit={submit}>
      <Stack>
        <TextInput {...text("name")} />
        <TextInput {...text("legalName")} />
        <TextInput {...text("contactEmail")} type="email" />
        <Group grow>
          <NumberInput {...amount("minAmount")} />
          <NumberInput {...amount("maxAmount")} />
        </Group>
        <Group grow>
          <NumberInput {...amount("minTermMonths")} />
          <NumberInput {...amount("maxTermMonths")} />
        </Group>
        <TextInput label={t("lenders.cities")} value={cities} onChange={event => setCities(event.currentTarget.value)} />
        <Button type="submit" loading={busy}>{t("save")}</Button>
      </Stack>
    </form>
  );
}
