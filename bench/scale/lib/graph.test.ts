import { describe, expect, it } from "vitest";
import { BUCKETS, Graph, SILENT_KINDS } from "./graph.ts";

/** Decodes binary COPY chunks into rows of raw field values (null for NULL). */
async function decode(chunks: AsyncIterable<Buffer>): Promise<(Buffer | null)[][]> {
  const all = [];
  for await (const c of chunks) all.push(c);
  const data = Buffer.concat(all);
  const rows: (Buffer | null)[][] = [];
  for (let at = 19; at < data.length; ) {
    const n = data.readInt16BE(at);
    at += 2;
    const row: (Buffer | null)[] = [];
    for (let f = 0; f < n; f++) {
      const len = data.readInt32BE(at);
      at += 4;
      row.push(len < 0 ? null : data.subarray(at, at + len));
      at += Math.max(0, len);
    }
    rows.push(row);
  }
  return rows;
}

describe("the generated graph", () => {
  const size = {
    users: 9000,
    follows: 60_000,
    posts: 20_000,
    plantedPerBucket: 3,
    silentPerKind: 2,
    seed: 7,
  };

  it("streams follows in primary-key order with created_at falling along each follower's list", async () => {
    const graph = new Graph(size);
    const rows = await decode(graph.follows());
    expect(rows.length).toBe(graph.expectedFollows);
    expect(Math.abs(rows.length - size.follows) / size.follows).toBeLessThan(0.01);
    for (let k = 1; k < rows.length; k++) {
      const [a, b] = [rows[k - 1]!, rows[k]!];
      const order = Buffer.compare(a[0]!, b[0]!) || Buffer.compare(a[1]!, b[1]!);
      expect(order).toBeLessThan(0);
      if (Buffer.compare(a[0]!, b[0]!) === 0)
        expect(a[2]!.readBigInt64BE(0) > b[2]!.readBigInt64BE(0)).toBe(true);
    }
  });

  it("gives planted viewers exactly their follow counts, silent viewers only silent accounts", async () => {
    const graph = new Graph(size);
    await decode(graph.follows());
    for (const b of BUCKETS) for (const v of graph.layout.buckets.get(b)!) expect(graph.following[v]).toBe(b);
    const [s0, s1] = graph.layout.silentAuthors;
    for (const kind of SILENT_KINDS)
      for (const v of graph.layout.silent.get(kind)!) {
        const followees = [...graph.plantedFollows.get(v)!];
        const active = followees.filter((f) => f < s0 || f > s1);
        expect(active.length).toBe(kind === "1 active + 4,999 silent" ? 1 : 0);
      }
  });

  it("counts every follower, following and live post it streams, and gives silent accounts no recent post", async () => {
    const graph = new Graph(size);
    await decode(graph.follows());
    const posts = await decode(graph.posts());
    expect(posts.length).toBe(graph.counts.posts);
    const followers = graph.followers.reduce((s, x) => s + x, 0);
    const following = graph.following.reduce((s, x) => s + x, 0);
    expect(followers).toBe(graph.counts.follows);
    expect(following).toBe(graph.counts.follows);
    expect(graph.livePosts.reduce((s, x) => s + x, 0)).toBe(graph.counts.livePosts);
    const [s0] = graph.layout.silentAuthors;
    const silentUid = graph.uids.subarray(28 * s0, 28 * s0 + 28);
    const windowStart = BigInt((Date.UTC(2026, 0, 1) / 1000 - 90 * 86_400 - 946_684_800) * 1_000_000);
    const silentPosts = posts.filter((p) => Buffer.compare(p[1]!, silentUid) === 0);
    expect(silentPosts).toHaveLength(1);
    expect(silentPosts[0]![4]!.readBigInt64BE(0) < windowStart).toBe(true);
    const likes = await decode(graph.likes());
    expect(likes.length).toBe(graph.counts.likes);
  });
});
