import { Alert, Button, Loader, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "urql";
import { MyAccessLogDocument } from "../../generated/graphql";
import { AccessTimeline } from "../components/AccessTimeline";
import { useFormat } from "../format";

/** Reads per page: enough for a screen, small enough that a long history loads quickly. */
const PAGE_SIZE = 20;

/**
 * Who read my data (PIPL articles 44 and 45): every read of the applicant's identity, granted or
 * denied, newest first, by lenders, staff and the applicant's own account, with the reason in
 * words. Paged with the connection's cursor: each "load more" appends the next page.
 */
export function AccessLogPage() {
  const { t } = useTranslation();
  // The cursor of each page after the first, in order.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  return (
    <Stack>
      <Title order={2}>{t("accessLog.heading")}</Title>
      <Text size="sm">{t("accessLog.intro")}</Text>
      {cursors.map((after, index) => (
        <AccessLogPageOfReads
          key={after ?? "first"}
          after={after}
          isLast={index === cursors.length - 1}
          onMore={next => setCursors(previous => [...previous, next])}
        />
      ))}
    </Stack>
  );
}

function AccessLogPageOfReads({ after, isLast, onMore }: { after: string | null; isLast: boolean; onMore: (cursor: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [{ data, fetching, error }] = useQuery({ query: MyAccessLogDocument, variables: { first: PAGE_SIZE, after } });
  if (fetching && !data) return <Loader aria-label={t("shared:loading")} />;
  if (error) return <Alert color="red" role="alert">{format.problem(error)}</Alert>;
  if (!data) return null;
  const reads = data.myAccessLog.edges.map(edge => edge.node);
  const { hasNextPage, endCursor } = data.myAccessLog.pageInfo;
  return (
    <>
      {reads.length === 0 && after === null && <Text>{t("accessLog.empty")}</Text>}
      {reads.length > 0 && <AccessTimeline reads={reads} />}
      {isLast && hasNextPage && endCursor && (
        <Button variant="default" onClick={() => onMore(endCursor)} w="fit-content">{t("shared:loadMore")}</Button>
      )}
    </>
  );
}
