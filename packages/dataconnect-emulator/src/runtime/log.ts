/**
 * Where the emulator reports what it does. `info`, `warn` and `error` always print; `debug(level, …)` only
 * at `-v=level` or more (glog's verbosity, which firebase-tools passes as `-v=2`).
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(level: number, message: string): void;
}

/** A Logger writing one line per message, prefixed with a timestamp and a severity letter (I/W/E/D). */
export function createLogger(options: { write: (line: string) => void; verbosity?: number }): Logger {
  const verbosity = options.verbosity ?? 0;
  const line = (severity: string, message: string) => {
    options.write(`${new Date().toISOString()} ${severity} ${message}\n`);
  };
  return {
    info: (message) => line("I", message),
    warn: (message) => line("W", message),
    error: (message) => line("E", message),
    debug: (level, message) => {
      if (level <= verbosity) line("D", message);
    },
  };
}

/** A Logger that drops everything (the library's default). */
export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};
