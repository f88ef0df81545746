import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { LenderNamesDocument } from "../../generated/graphql";

/** A filter by lender: "any" or one lender by name (the first hundred, oldest first). */
export function LenderSelect({ label, value, onChange }: { label: string; value: string; onChange: (lenderId: string) => void }) {
  const { t } = useTranslation();
  const [{ data }] = useQuery({ query: LenderNamesDocument });
  const lenders = data?.lenders.edges.map(({ node }) => ({ value: node.id, label: node.name })) ?? [];
  return (
    <Select label={label} data={[{ value: "", label: t("any") }, ...lenders]} value={value} onChange={next => onChange(next ?? "")} allowDeselect={false} searchable />
  );
}

/** A filter over an enum: "any" or one value, shown in words. */
export function EnumSelect<Value extends string>({ label, values, words, value, onChange }: {
  label: string; values: readonly Value[]; words: string; value: Value | ""; onChange: (value: Value | "") => void;
}) {
  const { t } = useTranslation();
  return (
    <Select label={label} data={[{ value: "", label: t("any") }, ...values.map(item => ({ value: item, label: t(`${words}.${item}`) }))]}
      value={value} onChange={next => onChange((next ?? "") as Value | "")} allowDeselect={false} />
  );
}
