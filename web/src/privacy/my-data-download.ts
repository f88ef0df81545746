import type { Client, CombinedError } from "urql";
import { MyDataAccessLogDocument, MyDataDocument, type MyDataQuery } from "../generated/graphql";

type AccessLogPage = MyDataQuery["myData"]["accessLog"];

/** `error` is null for an answer with neither data nor error (which the gateway should never give). */
export type DownloadOutcome = { ok: true; fileName: string } | { ok: false; error: CombinedError | null };

/**
 * Fetches `myData` with every page of its access log (a page holds at most 100 reads) and hands
 * the JSON to the browser as a file. Built from a Blob in the page: the data never passes
 * through a URL the server could log, nor through storage. Fetched network-only: a copy of one's
 * data must be current, not what an earlier page cached.
 */
export async function downloadMyData(client: Client): Promise<DownloadOutcome> {
  const first = await client.query(MyDataDocument, {}, { requestPolicy: "network-only" }).toPromise();
  if (first.error || !first.data) return { ok: false, error: first.error ?? null };
  const myData = first.data.myData;
  const edges: AccessLogPage["edges"] = [...myData.accessLog.edges];
  let pageInfo = myData.accessLog.pageInfo;
  while (pageInfo.hasNextPage && pageInfo.endCursor) {
    const next = await client.query(MyDataAccessLogDocument, { after: pageInfo.endCursor }, { requestPolicy: "network-only" }).toPromise();
    if (next.error || !next.data) return { ok: false, error: next.error ?? null };
    edges.push(...next.data.myData.accessLog.edges);
    pageInfo = next.data.myData.accessLog.pageInfo;
  }
  const copy = { myData: { ...myData, accessLog: { edges, pageInfo } } };
  const fileName = `my-data-${myData.generatedAt.slice(0, 10)}.json`;
  const url = URL.createObjectURL(new Blob([JSON.stringify(copy, null, 2)], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // Revoked after the click has started the download; the data leaves the page's memory with it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return { ok: true, fileName };
}
