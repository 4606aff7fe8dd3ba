/** The Rookery wordmark. */
export function Logo() {
  return (
    <span className="logo">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
        <rect width="32" height="32" rx="8" fill="currentColor" />
        <path d="M9 22c2-7 6-11 13-12-3 2-4 4-4 6 2 0 4 1 5 3-4-1-8 0-14 3z" fill="var(--surface)" />
      </svg>
      <span>Rookery</span>
    </span>
  );
}
