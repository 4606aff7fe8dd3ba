// Live results: the web SDK's `subscribe` over the Data Connect realtime stream (connector.yaml sets
// clientCache, and the queries that refresh carry @refresh rules: HomeFeed, PostThread, PostReplies,
// PostComments). The first result is the server's answer; later ones are pushed when a mutation changed
// it. Results go into the same TanStack Query cache the screens read, so a push re-renders them.
import { type InfiniteData, type QueryKey, useQueryClient } from "@tanstack/react-query";
import { type QueryRef, type QueryResult, subscribe } from "firebase/data-connect";
import { useEffect, useRef } from "react";

/**
 * Calls `onData` with every server result of the query `makeRef` builds, while mounted and `enabled`.
 * `key` names the query and its variables: a new key subscribes anew.
 */
export function useLiveQuery<Data, Variables>(
  key: string,
  makeRef: () => QueryRef<Data, Variables>,
  onData: (data: Data) => void,
  enabled = true,
): void {
  const latest = useRef({ makeRef, onData });
  latest.current = { makeRef, onData };
  useEffect(() => {
    if (!enabled || !key) return;
    return subscribe(latest.current.makeRef(), {
      onNext: (result: QueryResult<Data, Variables>) => {
        // The SDK may first answer from its cache; only the server's answers are news.
        if (result.source === "SERVER") latest.current.onData(result.data);
      },
      // A lost stream only means no pushes: every screen still loads and refreshes on its own.
      onErr: () => {},
    });
  }, [key, enabled]);
}

/**
 * Keeps the last loaded page of an infinite list live (a list that grows at its end, oldest first):
 * each pushed result of that page replaces it in the cache, so new rows appear, and "more" shows once
 * the page is full.
 */
export function useLiveLastPage<Page, Param, Data, Variables>(options: {
  queryKey: QueryKey;
  /** The loaded pages' parameters (undefined until the first page loaded; TanStack types them unknown). */
  pageParams: readonly unknown[] | undefined;
  makeRef: (param: Param) => QueryRef<Data, Variables>;
  toPage: (data: Data) => Page;
}): void {
  const queryClient = useQueryClient();
  const params = options.pageParams;
  const last = params?.at(-1) as Param | undefined;
  const index = params ? params.length - 1 : -1;
  useLiveQuery(
    last === undefined ? "" : JSON.stringify([options.queryKey, last]),
    () => options.makeRef(last as Param),
    (data) =>
      queryClient.setQueryData<InfiniteData<Page, Param>>(options.queryKey, (cached) => {
        // Only while the subscribed page is still the list's last one.
        if (!cached || cached.pages.length - 1 !== index) return cached;
        return { ...cached, pages: [...cached.pages.slice(0, index), options.toPage(data)] };
      }),
    last !== undefined,
  );
}
