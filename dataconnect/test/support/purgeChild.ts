// An account purge in its own process, so a test can kill it halfway (SIGKILL: no cleanup). It runs the
// code the deletion functions run, `batch` rows of each kind per call, and prints "batch" after each
// call. Arguments: uid, batch. Environment: DATA_CONNECT_EMULATOR_HOST.
import { initializeApp } from "firebase-admin/app";
import { getDataConnect } from "firebase-admin/data-connect";
import { purgeAccountData } from "../../../functions/src/account/purge.ts";

initializeApp({ projectId: "demo-rookery" });
const dc = getDataConnect({ serviceId: "rookery", location: "us-central1", connector: "social" });
const report = await purgeAccountData(dc, process.argv[2]!, {
  batch: Number(process.argv[3] ?? 1),
  onBatch: () => process.stdout.write("batch\n"),
});
process.stdout.write(`done ${JSON.stringify(report)}\n`);
