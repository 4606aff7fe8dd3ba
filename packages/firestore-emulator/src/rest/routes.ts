import type protobuf from "protobufjs";
import { type PathTemplate, parsePathTemplate } from "./path-template.ts";

/** One REST binding of an RPC, from its `google.api.http` option. */
export interface Route {
  /** The RPC's name in the service (`GetDocument`). */
  readonly rpc: string;
  readonly httpMethod: string;
  readonly template: PathTemplate;
  /** `*` (the whole request), a request field name (`document`), or undefined (no body). */
  readonly body: string | undefined;
  readonly requestType: protobuf.Type;
  readonly responseType: protobuf.Type;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
}

interface HttpRule {
  get?: string;
  put?: string;
  post?: string;
  delete?: string;
  patch?: string;
  body?: string;
  additional_bindings?: HttpRule | HttpRule[];
}

const VERBS = ["get", "put", "post", "delete", "patch"] as const;

function rulesOf(rule: HttpRule): HttpRule[] {
  const extra = rule.additional_bindings;
  return [rule, ...(Array.isArray(extra) ? extra : extra ? [extra] : [])];
}

/**
 * Every REST route of a service, read from the `google.api.http` annotations of its methods, i.e.
 * exactly the routes the official API (and emulator) declares for that proto.
 */
export function routesOf(service: protobuf.Service): Route[] {
  const routes: Route[] = [];
  for (const method of service.methodsArray) {
    method.resolve();
    const options = (method.parsedOptions ?? []) as Record<string, unknown>[];
    const http = options.find((o) => o["(google.api.http)"])?.["(google.api.http)"] as HttpRule | undefined;
    if (!http) continue;
    for (const rule of rulesOf(http)) {
      const verb = VERBS.find((v) => rule[v] !== undefined);
      if (!verb) continue;
      routes.push({
        rpc: method.name,
        httpMethod: verb.toUpperCase(),
        template: parsePathTemplate(rule[verb]!),
        body: rule.body,
        requestType: method.resolvedRequestType!,
        responseType: method.resolvedResponseType!,
        requestStream: method.requestStream ?? false,
        responseStream: method.responseStream ?? false,
      });
    }
  }
  return routes;
}
