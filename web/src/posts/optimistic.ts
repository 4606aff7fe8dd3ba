// Optimistic updates: a change shows at once, the server is asked, and when it refuses the change is
// rolled back and the person is told. Pure of React so it can be tested with a real QueryClient.
import type { QueryClient, QueryKey } from "@tanstack/react-query";

/** One optimistic change to the cached value at `key`. */
export interface OptimisticChange<T, R> {
  key: QueryKey;
  /** The value as it should look once the server agrees. */
  apply: (current: T) => T;
  /** Asks the server; its rejection rolls the change back. */
  send: () => Promise<R>;
  /** Adjusts the cached value with what the server answered (e.g. a new id). */
  settle?: (current: T, result: R) => T;
}

/**
 * Applies `change.apply` to the cache now, then runs `change.send`. On failure the value from before
 * is put back, unless something else changed it meanwhile, and the error is rethrown for the caller
 * to show. Returns the server's answer.
 */
export async function runOptimistic<T, R>(
  queryClient: QueryClient,
  change: OptimisticChange<T, R>,
): Promise<R> {
  await queryClient.cancelQueries({ queryKey: change.key });
  const before = queryClient.getQueryData<T>(change.key);
  if (before === undefined) return change.send();
  queryClient.setQueryData(change.key, change.apply(before));
  // What the cache holds now (structural sharing may store a copy of what was set).
  const optimistic = queryClient.getQueryData<T>(change.key);
  try {
    const result = await change.send();
    const settle = change.settle;
    if (settle)
      queryClient.setQueryData<T>(change.key, (current) => settle((current ?? optimistic) as T, result));
    return result;
  } catch (error) {
    if (queryClient.getQueryData(change.key) === optimistic) queryClient.setQueryData(change.key, before);
    throw error;
  }
}
