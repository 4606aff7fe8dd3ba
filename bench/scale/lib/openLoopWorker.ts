// The load generator's thread (see openLoop.ts): one client like the main thread's, running each open-loop
// run it is sent and answering with what it measured.
import { parentPort, workerData } from "node:worker_threads";
import { type Call, Client, type LoadShape, runCalls } from "./openLoop.ts";

const { baseUrl, sockets } = workerData as { baseUrl: string; sockets: number };
const client = new Client(baseUrl, sockets);

parentPort!.on("message", async (message: { id: number; shape: LoadShape; calls: Call[] }) => {
  try {
    const result = await runCalls(client, message.shape, message.calls);
    parentPort!.postMessage({ id: message.id, result });
  } catch (error) {
    parentPort!.postMessage({ id: message.id, result: { error: String(error) } });
  }
});
