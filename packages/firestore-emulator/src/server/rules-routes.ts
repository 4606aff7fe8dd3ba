import type http from "node:http";
import { z } from "zod";
import type { EmulatorCore } from "../emulator-core.ts";
import { compileRules, RulesCompileError } from "../rules/index.ts";

const RULES_ROUTE = /^\/emulator\/v1\/projects\/([^/:]+):securityRules$/;
/** Production's limit on a ruleset's source is 256 KiB; bodies are JSON around it. */
const MAX_BODY = 1024 * 1024;

const putBody = z.object({
  ignore_errors: z.boolean().optional(),
  rules: z.object({
    files: z
      .array(z.object({ name: z.string().optional(), content: z.string() }))
      .min(1)
      .max(1),
  }),
});

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function badRequest(res: http.ServerResponse, message: string, extra: object = {}): void {
  send(res, 400, { error: { code: 400, message, status: "INVALID_ARGUMENT" }, ...extra });
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function putRules(
  core: EmulatorCore,
  project: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const text = await readBody(req);
  if (text === undefined) return send(res, 413, { error: { code: 413, message: "Rules body too large." } });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return badRequest(res, "The body must be JSON: {rules: {files: [{content}]}}.");
  }
  const parsed = putBody.safeParse(json);
  if (!parsed.success) {
    return badRequest(
      res,
      `Invalid rules request: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const file = parsed.data.rules.files[0]!;
  try {
    core.rules.setForProject(project, compileRules(file.content, file.name ?? "firestore.rules"));
    send(res, 200, {});
  } catch (error) {
    if (!(error instanceof RulesCompileError)) throw error;
    // firebase-tools' watcher asks for the issues with a 200 (ignore_errors); others get a 400.
    if (parsed.data.ignore_errors) send(res, 200, { issues: error.issues });
    else badRequest(res, error.message, { issues: error.issues });
  }
}

/**
 * The official emulator's rules endpoint, which `@firebase/rules-unit-testing` and firebase-tools
 * use: `PUT /emulator/v1/projects/{p}:securityRules` with `{rules: {files: [{name?, content}]}}`
 * replaces that project's rules (400 naming `file:line:col` when they do not compile; the previous
 * rules stay). `GET` returns the project's rules source. Returns false for other paths.
 */
export function handleRulesRoute(
  core: EmulatorCore,
  path: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): boolean {
  const match = RULES_ROUTE.exec(path);
  if (!match) return false;
  const project = match[1]!;
  if (req.method === "PUT" || req.method === "POST") {
    putRules(core, project, req, res).catch((error: unknown) => {
      console.error("firestore-emulator: setting rules failed:", error);
      if (!res.headersSent) send(res, 500, { error: { code: 500, message: "Setting rules failed." } });
    });
  } else if (req.method === "GET") {
    const rules = core.rules.forProject(project);
    send(res, 200, rules ? { rules: { files: [{ name: rules.fileName, content: rules.source }] } } : {});
  } else {
    send(res, 405, { error: { code: 405, message: "Use PUT to set rules." } });
  }
  return true;
}
