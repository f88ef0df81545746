import { Button, Group } from "@mantine/core";
import { useCallback, useState } from "react";
import { useTranslation } from "react-i18next";

/** Relay cursors as pages: the cursors before each page seen, so "previous" goes back one. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const after = cursors[cursors.length - 1];
  const next = useCallback((endCursor: string | null | undefined) => {
    if (endCursor) setCursors(seen => [...seen, endCursor]);
  }, []);
  const previous = useCallback(() => setCursors(seen => (seen.length > 1 ? seen.slice(0, -1) : seen)), []);
  const reset = useCallback(() => setCursors([null]), []);
  return { after, page: cursors.length, next, previous, reset };
}

export function CursorPager({ pages, hasNextPage, endCursor }: {
  pages: ReturnType<typeof useCursorPages>;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
}) {
  const { t } = useTranslation();
  return (
    <Group>
      <Button variant="default" disabled={pages.page === 1} onClick={pages.previous}>{t("previousPage")}</Button>
      <Button variant="default" disabled={!hasNextPage} onClick={() => pages.next(endCursor)}>{t("nextPage")}</Button>
    </Group>
  );
}
