import type http from "node:http";
import { Code, FirestoreError } from "../errors.ts";
import { readBody } from "../http/body.ts";
import { decodedPath, type HttpRoute } from "../http/front.ts";
import { sendJson } from "../http/responses.ts";
import { parseV1Trigger, parseV2Trigger, type TriggerRegistry } from "./registry.ts";

const MAX_BODY_BYTES = 1024 * 1024;
const TRIGGERS = /^\/emulator\/v1\/projects\/([^/]+)\/triggers(?:\/([^/]+))?\/?$/;
const EVENTARC_TRIGGER = /^\/emulator\/v1\/projects\/([^/]+)\/eventarcTrigger\/?$/;

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = await readBody(req, MAX_BODY_BYTES);
  try {
    return text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new FirestoreError(Code.INVALID_ARGUMENT, "Trigger registration body is not JSON.");
  }
}

/**
 * The official emulator's trigger registration routes, which firebase-tools' Functions emulator calls:
 * `PUT /emulator/v1/projects/{p}/triggers/{key}` (1st gen) and
 * `POST /emulator/v1/projects/{p}/eventarcTrigger?eventarcTriggerId={key}` (2nd gen). Also, ours:
 * `GET .../triggers` lists them, `DELETE .../triggers[/{key}]` removes one or all.
 */
export function triggerRoutes(registry: TriggerRegistry): HttpRoute {
  return (req, res, url) => {
    const path = decodedPath(url);
    const triggers = TRIGGERS.exec(path);
    const eventarc = EVENTARC_TRIGGER.exec(path);
    if (!triggers && !eventarc) return undefined;
    return serveTriggerRoute(registry, req, res, url, path, triggers, eventarc);
  };
}

async function serveTriggerRoute(
  registry: TriggerRegistry,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  path: string,
  triggers: RegExpExecArray | null,
  eventarc: RegExpExecArray | null,
): Promise<void> {
  if (eventarc && req.method === "POST") {
    const key = url.searchParams.get("eventarcTriggerId");
    if (!key) throw new FirestoreError(Code.INVALID_ARGUMENT, "eventarcTriggerId is required.");
    registry.register(parseV2Trigger(eventarc[1]!, key, await readJson(req)));
    return sendJson(res, 200, {});
  }
  if (triggers) {
    const [, projectId, key] = triggers as unknown as [string, string, string | undefined];
    if (key && req.method === "PUT") {
      registry.register(parseV1Trigger(projectId, key, await readJson(req)));
      return sendJson(res, 200, {});
    }
    if (key && req.method === "DELETE") {
      if (!registry.unregister(projectId, key))
        throw new FirestoreError(Code.NOT_FOUND, `No trigger "${key}" in project "${projectId}".`);
      return sendJson(res, 200, {});
    }
    if (!key && req.method === "DELETE") {
      registry.clear(projectId);
      return sendJson(res, 200, {});
    }
    if (!key && req.method === "GET") {
      const list = registry.list(projectId).map((t) => ({
        key: t.key,
        eventType: t.eventType,
        database: t.databaseId,
        document: t.document,
      }));
      return sendJson(res, 200, { triggers: list });
    }
  }
  sendJson(res, 405, { error: { code: 405, message: `${req.method} is not allowed on ${path}.` } });
}
