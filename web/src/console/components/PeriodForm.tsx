import { Button, Group, TextInput } from "@mantine/core";
import { type FormEvent, type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import { isoFromLocalInput, localInputFromDate } from "./format";

export interface Period {
  from: string;
  to: string;
}

/** The last `days` days up to the next whole hour, in UTC. */
export function recentPeriod(days: number): Period {
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
}

/** A [from, to) period in UTC, applied on submit; `children` adds fields of the same form. */
export function PeriodForm({ initial, onApply, children }: { initial: Period; onApply: (period: Period) => void; children?: ReactNode }) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(localInputFromDate(new Date(initial.from)));
  const [to, setTo] = useState(localInputFromDate(new Date(initial.to)));
  function submit(event: FormEvent) {
    event.preventDefault();
    const period = { from: isoFromLocalInput(from), to: isoFromLocalInput(to) };
    if (period.from && period.to) onApply({ from: period.from, to: period.to });
  }
  return (
    <form onSubmit={submit}>
      <Group align="end">
        <TextInput type="datetime-local" label={`${t("audit.from")} (UTC)`} value={from} onChange={event => setFrom(event.currentTarget.value)} required />
        <TextInput type="datetime-local" label={`${t("audit.to")} (UTC)`} value={to} onChange={event => setTo(event.currentTarget.value)} required />
        {children}
        <Button type="submit">{t("apply")}</Button>
      </Group>
    </form>
  );
}
