// A like-count sweep in its own process, so a test can kill it mid-batch (SIGKILL: no cleanup, no
// goodbye). It runs the code the scheduled function runs, with `batch` posts per recount, and prints
// "settling" before each recount and "settled <n>" after it. Environment: DATA_CONNECT_EMULATOR_HOST.
import { initializeApp } from "firebase-admin/app";
import { getDataConnect } from "firebase-admin/data-connect";
import { sweepLikeCounts } from "../../../functions/src/counters/likeCounts.ts";

initializeApp({ projectId: "demo-rookery" });
const dc = getDataConnect({ serviceId: "rookery", location: "us-central1", connector: "social" });
const settle = dc.executeMutation.bind(dc);
dc.executeMutation = ((name: string, variables: unknown) => {
  process.stdout.write("settling\n");
  return settle(name, variables as never);
}) as typeof dc.executeMutation;
const report = await sweepLikeCounts(dc, {
  batch: Number(process.argv[2] ?? 1),
  onBatch: (posts) => process.stdout.write(`settled ${posts.length}\n`),
});
process.stdout.write(`done ${JSON.stringify(report)}\n`);
