import type http from "node:http";
import { z } from "zod";
import type { EmulatorCore } from "../emulator-core.ts";
import { Code } from "../errors.ts";
import { readBody } from "../http/body.ts";
import { decodedPath, type HttpRoute } from "../http/front.ts";
import { errorBody, sendJson } from "../http/responses.ts";
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

function badRequest(res: http.ServerResponse, message: string, extra: object = {}): void {
  sendJson(res, 400, { ...errorBody(Code.INVALID_ARGUMENT, message), ...extra });
}

async function putRules(
  core: EmulatorCore,
  project: string,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const text = await readBody(req, MAX_BODY);
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
    sendJson(res, 200, {});
  } catch (error) {
    if (!(error instanceof RulesCompileError)) throw error;
    // firebase-tools' watcher asks for the issues with a 200 (ignore_errors); others get a 400.
    if (parsed.data.ignore_errors) sendJson(res, 200, { issues: error.issues });
    else badRequest(res, error.message, { issues: error.issues });
  }
}

/**
 * The official emulator's rules endpoint, which `@firebase/rules-unit-testing` and firebase-tools
 * use: `PUT /emulator/v1/projects/{p}:securityRules` with `{rules: {files: [{name?, content}]}}`
 * replaces that project's rules (400 naming `file:line:col` when they do not compile; the previous
 * rules stay). `GET` returns the project's rules source.
 */
export function rulesRoute(core: EmulatorCore): HttpRoute {
  return (req, res, url) => {
    const match = RULES_ROUTE.exec(decodedPath(url));
    if (!match) return undefined;
    const project = match[1]!;
    if (req.method === "PUT" || req.method === "POST") return putRules(core, project, req, res);
    if (req.method === "GET") {
      const rules = core.rules.forProject(project);
      sendJson(
        res,
        200,
        rules ? { rules: { files: [{ name: rules.fileName, content: rules.source }] } } : {},
      );
    } else {
      sendJson(res, 405, { error: { code: 405, message: "Use PUT to set rules." } });
    }
    return Promise.resolve();
  };
}
