import { spawn } from "node:child_process";
import { tempFirebaseConfig } from "./config.ts";
import { collectOutput } from "./process.ts";
import { pinnedPath, repoRoot } from "./repo.ts";

export interface ExecResult {
  code: number | null;
  /** stdout and stderr of firebase-tools and the exec'd command, interleaved. */
  output: string;
  /** The JSON the exec'd client printed on its `E2E_RESULT ` line, if any. */
  result: unknown;
  ports: Record<string, number>;
}

/** Runs `firebase emulators:exec --only <only> <command>` offline, on free ports. */
export async function emulatorsExec(options: {
  only: string[];
  command: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<ExecResult> {
  const config = await tempFirebaseConfig();
  try {
    const args = ["emulators:exec", "--config", config.path, "--project", "demo-rookery"];
    const child = spawn("firebase", [...args, "--only", options.only.join(","), options.command], {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...options.env,
        PATH: pinnedPath(),
        METADATA_SERVER_DETECTION: "none",
        CI: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collectOutput(child);
    const timer = setTimeout(() => child.kill("SIGINT"), options.timeoutMs ?? 150_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    return { code, output: output.text, result: parseResult(output.text), ports: config.ports };
  } finally {
    await config.dispose();
  }
}

function parseResult(output: string): unknown {
  const line = output.split("\n").find((l) => l.startsWith("E2E_RESULT "));
  return line ? JSON.parse(line.slice("E2E_RESULT ".length)) : undefined;
}
