/** A function that runs `fn` once, `ms` after the last of a burst of calls (editors save in bursts). */
export interface Debounced {
  (): void;
  /** Forgets a pending call. */
  cancel(): void;
}

/** Debounces `fn` by `ms` milliseconds. */
export function debounce(fn: () => void, ms: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const debounced = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  debounced.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return debounced;
}
