// Times feed forms per follow bucket and page, with fewer samples for slow forms (as the spec did).
import { type LatencySummary, summarize } from "../../lib/stats.ts";
import type { Cursor, FeedForm } from "./runners.ts";

/** A timed viewer: uid and the cursor of the page being timed. */
export interface Sample {
  uid: string;
  cursor: Cursor;
}

/** Above this warm-up mean (ms) a form gets a quarter of the samples, above SLOWER_MS only 5. */
const SLOW_MS = 60;
const SLOWER_MS = 500;

/** Sample count for a form whose warm-up calls averaged `warmMean` ms. */
export function sampleCount(requested: number, warmMean: number): number {
  if (warmMean > SLOWER_MS) return Math.min(requested, 5);
  if (warmMean > SLOW_MS) return Math.min(requested, Math.max(10, Math.ceil(requested / 4)));
  return requested;
}

/** Times one page per sample (after 2 untimed warm-up calls); wall time in ms around the call. */
export async function timeForm(form: FeedForm, samples: readonly Sample[]): Promise<LatencySummary> {
  const warm: number[] = [];
  for (const s of samples.slice(0, 2)) {
    const page = await form.prepare(s.uid, s.cursor);
    const start = performance.now();
    await page();
    warm.push(performance.now() - start);
  }
  const mean = warm.reduce((a, b) => a + b, 0) / Math.max(1, warm.length);
  const chosen = samples.slice(0, sampleCount(samples.length, mean));
  const times: number[] = [];
  for (const s of chosen) {
    const page = await form.prepare(s.uid, s.cursor);
    const start = performance.now();
    await page();
    times.push(performance.now() - start);
  }
  return summarize(times);
}
