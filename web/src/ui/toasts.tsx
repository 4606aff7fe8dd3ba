// Short messages about things that happened away from where the person is looking: a like the server
// refused, a post that was published. Errors are announced assertively, the rest politely.
import { createContext, type ReactNode, useCallback, useContext, useMemo, useRef, useState } from "react";

interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
}

interface Toaster {
  error(text: string): void;
  info(text: string): void;
}

const ToastContext = createContext<Toaster>({ error: () => {}, info: () => {} });

/** Shows toasts for everything below it. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast["kind"], text: string) => {
      const id = next.current++;
      setToasts((all) => [...all.slice(-3), { id, kind, text }]);
      setTimeout(() => dismiss(id), kind === "error" ? 8000 : 4000);
    },
    [dismiss],
  );
  const toaster = useMemo(
    () => ({ error: (text: string) => push("error", text), info: (text: string) => push("info", text) }),
    [push],
  );
  return (
    <ToastContext.Provider value={toaster}>
      {children}
      <div className="toasts">
        <div role="alert" aria-live="assertive">
          {toasts
            .filter((t) => t.kind === "error")
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
        <div role="status" aria-live="polite">
          {toasts
            .filter((t) => t.kind === "info")
            .map((t) => (
              <ToastView key={t.id} toast={t} onDismiss={dismiss} />
            ))}
        </div>
      </div>
    </ToastContext.Provider>
  );
}

function ToastView({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  return (
    <div className={`toast ${toast.kind}`}>
      <span>{toast.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

/** Shows a toast. */
export function useToasts(): Toaster {
  return useContext(ToastContext);
}
