import { Badge, Group, Text, Timeline } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { MyAccessLogQuery } from "../../generated/graphql";
import { useFormat } from "../format";

type Read = MyAccessLogQuery["myAccessLog"]["edges"][number]["node"];

/**
 * The reason of a read in words. A granted read carries no reason code, so its reason is who
 * read it (consent for a lender, masked handling for staff, oneself); a denied one has the
 * gateway's code, and a code this page does not know yet is named rather than hidden.
 */
function useReasonWords() {
  const { t, i18n } = useTranslation();
  return (read: Read) => {
    if (read.outcome === "GRANTED") return t(`reason.GRANTED_${read.readerKind}`);
    const code = read.reason ?? "";
    return i18n.exists(`reason.${code}`) ? t(`reason.${code}`) : t("reason.other", { code: code || "-" });
  };
}

/** One page of reads as a timeline, newest first; denied reads stand out in red. */
export function AccessTimeline({ reads }: { reads: Read[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reasonOf = useReasonWords();
  return (
    // `active` past the last item: every bullet takes its item's colour (green granted, red denied).
    <Timeline bulletSize={16} lineWidth={2} active={reads.length}>
      {reads.map(read => {
        const granted = read.outcome === "GRANTED";
        const reader = t(`readerKind.${read.readerKind}`, { lender: read.lender?.name ?? "" });
        return (
          <Timeline.Item
            key={read.id}
            color={granted ? "teal" : "red"}
            title={t("accessLog.read", { reader, category: t(`category.${read.category}`) })}
            data-testid="access-read"
            data-outcome={read.outcome}
          >
            <Group gap="xs">
              <Badge color={granted ? "teal.9" : "red.9"} variant="filled">{granted ? t("accessLog.granted") : t("accessLog.denied")}</Badge>
              <Text size="sm">{reasonOf(read)}</Text>
            </Group>
            <Text size="sm" c="dimmed">
              {format.dateTime(read.at)} · {t("accessLog.application", { id: read.applicationId.slice(0, 8) })} · {t("accessLog.field", { field: read.field })}
            </Text>
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
