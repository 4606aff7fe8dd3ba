// Global setup: `npm start` (scripts/start.ts) on free ports with a fresh data folder and the demo graph,
// exactly as a person runs it; the suite reads the addresses with `inject("stack")`.
import type { TestProject } from "vitest/node";
import { startLocalStack } from "../../../test/e2e/support/localStack.ts";

/** Where the running stack is. */
export interface Stack {
  webUrl: string;
  authUrl: string;
  dataConnectUrl: string;
  firestoreUrl: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stack: Stack;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startLocalStack();
  project.provide("stack", {
    webUrl: `http://127.0.0.1:${stack.webPort}/`,
    authUrl: `http://127.0.0.1:${stack.config.ports.auth}`,
    dataConnectUrl: `http://127.0.0.1:${stack.config.ports.dataconnect}`,
    firestoreUrl: `http://127.0.0.1:${stack.config.ports.firestore}`,
  });
  return stack.stop;
}
