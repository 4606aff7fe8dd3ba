// Query options for TanStack Query that always ask the server. The generated React hooks call
// `executeQuery` with the SDK's default PREFER_CACHE policy, so after the first fetch every refetch and
// invalidation returns the SDK's cached copy (firebase/firebase-js-sdk#9697): a follow would never show
// in the counts. Queries go through here instead, with the generated refs and the generated hooks'
// query key (`[operationName, variables]`), so the generated mutation hooks' `invalidate` still works.
import { queryOptions } from "@tanstack/react-query";
import { executeQuery, QueryFetchPolicy, type QueryRef } from "firebase/data-connect";

/** The query key the generated hooks use for an operation and its variables. */
export function operationKey(name: string, variables?: unknown): readonly unknown[] {
  return [name, variables ?? null];
}

/** TanStack Query options that run a generated query ref against the server. */
export function serverQuery<Data, Variables>(ref: QueryRef<Data, Variables>) {
  return queryOptions({
    queryKey: operationKey(ref.name, ref.variables),
    queryFn: async (): Promise<Data> => {
      const result = await executeQuery(ref, { fetchPolicy: QueryFetchPolicy.SERVER_ONLY });
      return result.data;
    },
  });
}

/** Runs a generated query ref against the server once (for infinite lists and lookups). */
export async function fetchFromServer<Data, Variables>(ref: QueryRef<Data, Variables>): Promise<Data> {
  return (await executeQuery(ref, { fetchPolicy: QueryFetchPolicy.SERVER_ONLY })).data;
}
