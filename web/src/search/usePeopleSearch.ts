// Accounts a search finds (SearchUsers), as an infinite list paged by (rank, username).
import { searchUsersRef } from "@rookery/dataconnect";
import { useInfiniteQuery } from "@tanstack/react-query";
import {
  FIRST_SEARCH_PAGE,
  type SearchUserRow,
  searchUsersPage,
} from "../../../dataconnect/client/search.ts";
import { fetchFromServer } from "../data/query.ts";
import { dataConnect } from "../firebase/client.ts";

/** Accounts per page. */
export const PEOPLE_PAGE_SIZE = 20;

/** The accounts `query` finds; nothing is asked for an empty query. */
export function usePeopleSearch(query: string) {
  const result = useInfiniteQuery({
    queryKey: ["search", "people", query] as const,
    initialPageParam: FIRST_SEARCH_PAGE.users as { afterRank: number; afterUsername: string },
    queryFn: async ({ pageParam }) => {
      const data = await fetchFromServer(
        searchUsersRef(dataConnect, { query, ...pageParam, limit: PEOPLE_PAGE_SIZE }),
      );
      return searchUsersPage(data.users ?? [], PEOPLE_PAGE_SIZE);
    },
    getNextPageParam: (last) => last.next,
    enabled: query.length > 0,
    staleTime: 30_000,
  });
  // A page boundary may fall inside a rank; an account is shown once.
  const byUid = new Map<string, SearchUserRow>();
  for (const page of result.data?.pages ?? []) {
    for (const person of page.items) if (!byUid.has(person.uid)) byUid.set(person.uid, person);
  }
  const people = [...byUid.values()];
  return { ...result, people };
}
