import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { callStream, callUnary, rawClient } from "./helpers.ts";
import { crash, type EngineProcess, startEngine } from "./support/engine.ts";
import { Random } from "./support/fuzz/random.ts";
import { FUZZ_TARGETS } from "./support/fuzz/targets.ts";

/**
 * Bounded-time fuzzing of a real engine process over every transport (FUZZ_TARGETS). FUZZ_MS sets
 * the duration, FUZZ_SEED replays a run (the seed is in every failure message).
 */
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 6;
/** Fuzzed requests name this project; the data under test lives in another one they never name. */
const FUZZ_PROJECT = "demo-fuzz";
const KEPT = "projects/demo-fuzz-kept/databases/(default)";

const keptDocuments = Array.from({ length: 40 }, (_, i) => ({
  name: `${KEPT}/documents/kept/doc-${i}`,
  fields: {
    i: { integerValue: String(i) },
    s: { stringValue: `value ${i} é 🚀` },
    d: { doubleValue: i / 3 },
    b: { bytesValue: Buffer.from([i, 255 - i]) },
    m: {
      mapValue: {
        fields: {
          nested: { arrayValue: { values: [{ booleanValue: i % 2 === 0 }, { nullValue: "NULL_VALUE" }] } },
        },
      },
    },
  },
}));

async function readKept(client: ReturnType<typeof rawClient>): Promise<unknown[]> {
  const responses = await callStream<{ found?: { name: string; fields: unknown } }>(
    client,
    "BatchGetDocuments",
    {
      database: KEPT,
      documents: keptDocuments.map((d) => d.name),
    },
  );
  return responses.map((r) => r.found && { name: r.found.name, fields: r.found.fields });
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe(`fuzzing every transport (seed ${SEED}, ${FUZZ_MS} ms)`, () => {
  it(
    "answers every random, mutated and malformed request, never crashes, and keeps its data intact",
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "fs-fuzz-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const start = () => startEngine([`--project_id=${FUZZ_PROJECT}`, `--data_dir=${dir}`]);
      let engine: EngineProcess = await start();
      cleanups.push(() => engine.proc.kill("SIGKILL"));
      let client = rawClient(engine);
      cleanups.push(() => client.close());
      await callUnary(client, "Commit", {
        database: KEPT,
        writes: keptDocuments.map((update) => ({ update })),
      });
      const expected = await readKept(client);
      expect(expected.filter(Boolean)).toHaveLength(keptDocuments.length);

      // Known crashers first, every run: the one-request kill, then the random ones.
      for (const url of ["/%E0%A4%A", "/%", "/emulator/v1/projects/%E0/databases/%/documents"]) {
        const res = await fetch(`http://${engine.address}${url}`, { method: "DELETE" });
        expect(res.status).toBe(400);
      }

      const targets = FUZZ_TARGETS.map((make) =>
        make({ host: "127.0.0.1", port: engine.port, project: FUZZ_PROJECT }),
      );
      const outcomes = new Map<string, number>();
      const perTarget = new Map<string, number>();
      const failures: string[] = [];
      const deadline = Date.now() + FUZZ_MS;
      const context = () =>
        `seed ${SEED}; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}\n${engine.output().slice(-4000)}`;

      const health = (async () => {
        while (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 1000));
          const ok = await fetch(`http://${engine.address}/`, { signal: AbortSignal.timeout(3000) })
            .then((r) => r.text())
            .catch((e: Error) => e.message);
          if (ok !== "Ok") failures.push(`GET / answered ${ok}`);
          const doc = await callUnary(client, "GetDocument", { name: keptDocuments[0]!.name }, 3000).catch(
            (e: Error) => e,
          );
          if (doc instanceof Error) failures.push(`GetDocument failed: ${doc.message}`);
        }
      })();
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          const rng = new Random(SEED + w);
          while (Date.now() < deadline) {
            const target = rng.pick(targets);
            const label = await target.send(rng);
            outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
            perTarget.set(target.name, (perTarget.get(target.name) ?? 0) + 1);
            if (label.endsWith("no answer")) failures.push(label);
          }
        }),
      );
      await health;
      for (const target of targets) target.close();
      if (process.env.FUZZ_VERBOSE) console.log(context());

      expect(failures, context()).toEqual([]);
      for (const target of targets) expect(perTarget.get(target.name) ?? 0, context()).toBeGreaterThan(20);
      expect(engine.proc.exitCode, context()).toBeNull();
      expect(engine.output(), context()).not.toMatch(/BUG: unexpected error|internal error/);
      expect(await readKept(client), context()).toEqual(expected);

      // And the data on disk is intact: a crash and a restart recover it exactly.
      client.close();
      await crash(engine);
      engine = await start();
      client = rawClient(engine);
      expect(await readKept(client), context()).toEqual(expected);
    },
    FUZZ_MS + 60_000,
  );
});
