// The notification pipeline on a hot post: N accounts like one post, and their N mutation events reach
// the pipeline with 16 in flight at once (as concurrent function invocations would). Side by side:
// - each event reconciled on its own: its own Firestore transaction on the one group document, so
//   concurrent events contend for it and retry;
// - what ships: events wait up to flushMs for others touching the same group, and one reconciliation
//   (one transaction) covers them all (flushMs 20 and 100; the function uses 100).
// Our engines in process (PGlite, Firestore). node bench/notifications/pipeline.ts [likes]
import { touchesOf } from "../../functions/src/notifications/events.ts";
import { notifier, targetSource } from "../../functions/src/notifications/notifier.ts";
import { groupKeys, lookUp } from "../../functions/src/notifications/targets.ts";
import { socialMutation, startSocialStack } from "../../functions/test/support/socialStack.ts";
import type { MutationExecutedEvent } from "../../packages/dataconnect-emulator/src/index.ts";
import { runConcurrent } from "../lib/concurrency.ts";
import { formatTable } from "../lib/table.ts";

const LIKES = Number(process.argv[2] ?? 200);
const IN_FLIGHT = 16;

const s = await startSocialStack({ name: "bench-notify" });
const likers = Array.from({ length: LIKES }, (_, i) => `liker${i}`);
await s.users(...likers);
const deps = { dataConnect: () => s.dataConnect, firestore: () => s.firestore };

type Deliver = (event: MutationExecutedEvent) => Promise<unknown>;
const variants: [string, () => Deliver][] = [
  [
    "each event alone",
    () => {
      // The same steps as Notifier.handle, without the batching: one reconciliation per event.
      const pipeline = notifier(deps, { retry: { attempts: 50 } });
      const source = targetSource(s.dataConnect, s.firestore);
      return async (event) => {
        const touches = touchesOf(socialMutation(event));
        await pipeline.reconcile(groupKeys(touches, await lookUp(touches, source)));
      };
    },
  ],
  ...[20, 100].map((flushMs): [string, () => Deliver] => [
    `batched, ${flushMs} ms`,
    () => {
      const pipeline = notifier(deps, { flushMs });
      return (event) => pipeline.handle(socialMutation(event));
    },
  ]),
];

const rows: (string | number)[][] = [];
for (const [name, make] of variants) {
  // A fresh author and post per run, liked by everyone; the events are delivered after, timed.
  const author = `author${rows.length}`;
  await s.users(author);
  const { post_insert } = await s.mutate<{ post_insert: { id: string } }>(author, "CreatePost", {
    content: "hot",
  });
  const from = s.events.length;
  await runConcurrent(IN_FLIGHT, LIKES, (i) => s.mutate(likers[i]!, "LikePost", { post: post_insert.id }));
  await s.eventsReach(from + LIKES);
  const events = s.events.slice(from).filter((e) => e.operation === "LikePost");

  const deliver = make();
  const started = performance.now();
  const run = await runConcurrent(IN_FLIGHT, events.length, (i) => deliver(events[i]!));
  const seconds = (performance.now() - started) / 1000;

  const group = await s.firestore.doc(`users/${author}/notifications/like_${post_insert.id}`).get();
  if (group.get("actorCount") !== LIKES) throw new Error(`${name}: ${group.get("actorCount")} actors`);
  rows.push([name, LIKES / seconds, run.latency.p50, run.latency.p99]);
}
await s.close();

console.log(
  `${LIKES} likes of one post, events delivered ${IN_FLIGHT} at a time (group exact in every run)\n`,
);
console.log(formatTable(["delivery", "events/s", "p50 ms", "p99 ms"], rows, 1));
