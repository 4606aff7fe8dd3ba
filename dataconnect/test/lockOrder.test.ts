// Lock order of the operations that touch two accounts (connector/graph.gql, users.gql, account.gql):
// each locks the accounts' rows first, in uid order, before any row between them, so two of them never
// wait on each other in a cycle. Each pair below used to deadlock ("deadlock detected": Postgres aborts
// one side) when both ran at once in the unlucky order; here both orders run at once, many rounds, and
// every call must either succeed or be refused for a reason it states, with every counter exact. On the
// PostgreSQL server only: PGlite has one connection, where nothing runs at once.
import { describe, expect, it } from "vitest";
import { purgeAccountData } from "../../functions/src/account/purge.ts";
import type { GraphqlResponse } from "../../packages/dataconnect-emulator/src/engine/types.ts";
import { counterDrift } from "./support/counters.ts";
import { stack } from "./support/stack.ts";
import { ok } from "./support.ts";

const ROUNDS = 12;

describe("lock order of two-account operations (postgres)", () => {
  const s = stack("postgres");
  let n = 0;
  /** Two new accounts, `low` < `high` in uid order; private ones when asked. */
  const pair = async (name: string, options: { private?: boolean } = {}) => {
    const id = ++n;
    const [low, high] = [`${name}${id}-a`, `${name}${id}-b`];
    for (const uid of [low, high]) {
      ok(await s.as(uid, "mutation", "UpsertMe", { displayName: uid }));
      if (options.private) ok(await s.as(uid, "mutation", "UpdateMyProfile", { isPrivate: true }));
    }
    return [low, high] as const;
  };
  const call = (uid: string, operation: string, variables: Record<string, unknown>) =>
    s.as(uid, "mutation", operation, variables);
  /**
   * The errors of `answers` that are not refusals in `allowed` (a deadlock never is), less the notes on
   * the steps a refusal skipped or rolled back.
   */
  const unexpected = (answers: GraphqlResponse[], allowed: RegExp = /$^/) =>
    answers
      .flatMap((a) => a.errors ?? [])
      .filter((e) => !/^\((aborted|rolled back)\) \w+ was (not executed|rolled back) because/.test(e.message))
      .filter((e) => !allowed.test(e.message));

  it("two private accounts approving each other's requests at once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await pair("approve", { private: true });
      ok(await call(a, "Follow", { uid: b }));
      ok(await call(b, "Follow", { uid: a }));
      const answers = await Promise.all([
        call(a, "ApproveFollowRequest", { requesterUid: b }),
        call(b, "ApproveFollowRequest", { requesterUid: a }),
      ]);
      expect(unexpected(answers), `round ${round}`).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("two accounts blocking each other at once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await pair("block");
      ok(await call(a, "Follow", { uid: b }));
      ok(await call(b, "Follow", { uid: a }));
      const answers = await Promise.all([call(a, "Block", { uid: b }), call(b, "Block", { uid: a })]);
      expect(unexpected(answers), `round ${round}`).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("a block and a follow of the blocker, at once, in both uid orders", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await pair("blockfollow");
      ok(await call(a, "Follow", { uid: b }));
      ok(await call(b, "Follow", { uid: a }));
      // b unfollows then follows again while a blocks it, and the other way round.
      const [blocker, follower] = round % 2 ? [a, b] : [b, a];
      ok(await call(follower, "Unfollow", { uid: blocker }));
      const answers = await Promise.all([
        call(blocker, "Block", { uid: follower }),
        call(follower, "Follow", { uid: blocker }),
      ]);
      expect(unexpected(answers, /^you cannot follow this account$/), `round ${round}`).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("an approval and the approver's follow, unfollow or block of the requester, at once", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await pair("approvemix", { private: true });
      const [target, requester] = round % 2 ? [a, b] : [b, a];
      ok(await call(requester, "Follow", { uid: target }));
      const other = ["Follow", "Block", "Unfollow"][round % 3]!;
      if (other === "Unfollow") {
        ok(await call(target, "Follow", { uid: requester }));
        ok(await call(requester, "ApproveFollowRequest", { requesterUid: target }));
      }
      const answers = await Promise.all([
        call(target, "ApproveFollowRequest", { requesterUid: requester }),
        call(target, other, { uid: requester }),
      ]);
      expect(unexpected(answers, /^no such follow request$/), `round ${round} (${other})`).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("a switch to public approving a request while the requester approves the switcher's own request", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await pair("switch", { private: true });
      const [switcher, other] = round % 2 ? [a, b] : [b, a];
      ok(await call(switcher, "Follow", { uid: other }));
      ok(await call(other, "Follow", { uid: switcher }));
      const answers = await Promise.all([
        call(switcher, "UpdateMyProfile", { isPrivate: false }),
        call(other, "ApproveFollowRequest", { requesterUid: switcher }),
      ]);
      expect(unexpected(answers), `round ${round}`).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("two accounts that follow each other deleted at once, without a retry", async () => {
    for (let round = 0; round < ROUNDS / 2; round++) {
      const [a, b] = await pair("purge");
      const [c] = await pair("bystander");
      for (const [x, y] of [
        [a, b],
        [b, a],
        [a, c],
        [c, a],
        [b, c],
        [c, b],
      ] as const)
        ok(await call(x, "Follow", { uid: y }));
      const reports = await Promise.all(
        [a, b].map((uid) => purgeAccountData(s.admin, uid, { batch: 1, retry: { attempts: 1 } })),
      );
      expect(reports.map((r) => r.accountDeleted)).toEqual([true, true]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("an account deleted while its neighbours follow, unfollow, block and approve it, without a retry", async () => {
    for (let round = 0; round < ROUNDS / 2; round++) {
      const [victim, fan] = await pair("victim", { private: true });
      const [low, high] = await pair("neighbour");
      for (const who of [fan, low, high]) {
        ok(await call(who, "Follow", { uid: victim }));
        ok(await call(victim, "ApproveFollowRequest", { requesterUid: who }));
        ok(await call(victim, "Follow", { uid: who }));
      }
      ok(await call(fan, "ApproveFollowRequest", { requesterUid: victim }));
      const [purged, ...answers] = await Promise.all([
        purgeAccountData(s.admin, victim, { batch: 1, retry: { attempts: 1 } }).then(
          (r) => r.accountDeleted,
          (e: unknown) => String(e),
        ),
        call(low, "Unfollow", { uid: victim }),
        call(high, "Block", { uid: victim }),
        call(fan, "Unfollow", { uid: victim }),
        call(low, "Follow", { uid: high }),
        call(high, "Follow", { uid: low }),
      ]);
      expect(purged, `round ${round}`).toBe(true);
      // Acting on an account that is gone is refused; nothing else may fail.
      expect(
        unexpected(answers, /^(you do not follow this account|no such user)$|foreign key/),
        `round ${round}`,
      ).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("an account deleted while its neighbours reply to and share its posts and their own, without a retry", async () => {
    const post = async (uid: string, content: string) =>
      ok<{ post_insert: { id: string } }>(await call(uid, "CreatePost", { content })).post_insert.id;
    for (let round = 0; round < ROUNDS / 2; round++) {
      const [victim, low] = await pair("replied");
      const [high] = await pair("replier");
      const theirs: string[] = [];
      const mine: string[] = [];
      for (const who of [low, high]) {
        ok(await call(who, "Follow", { uid: victim }));
        ok(await call(victim, "Follow", { uid: who }));
        const id = await post(who, `by ${who}`);
        theirs.push(id);
        // The victim's replies, quotes and comments move counters of the neighbours' posts.
        ok(await call(victim, "Reply", { to: id, content: "a reply" }));
        ok(await call(victim, "Quote", { of: id, content: "a quote" }));
        ok(await call(victim, "AddComment", { post: id, content: "a comment" }));
        mine.push(await post(victim, `by ${victim}`));
      }
      const [purged, ...answers] = await Promise.all([
        purgeAccountData(s.admin, victim, { batch: 1, retry: { attempts: 1 } }).then(
          (r) => r.accountDeleted,
          (e: unknown) => String(e),
        ),
        ...[low, high].flatMap((who, i) => [
          call(who, "Reply", { to: theirs[i], content: "my own thread" }),
          call(who, "Reply", { to: mine[i], content: "to the victim" }),
          call(who, "Repost", { of: mine[1 - i] }),
          call(who, "Quote", { of: theirs[1 - i], content: "a neighbour's" }),
          call(who, "AddComment", { post: theirs[i], content: "on my own" }),
          call(who, "Unfollow", { uid: victim }),
        ]),
      ]);
      expect(purged, `round ${round}`).toBe(true);
      expect(
        unexpected(
          answers,
          /^(you do not follow this account|that post does not exist( or cannot be shared)?)$/,
        ),
        `round ${round}`,
      ).toEqual([]);
    }
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("a deletion batch whose follows change while it waits for the account's row locks the newcomer too, in order", async () => {
    const [newcomer, victim] = await pair("relock");
    const db = s.db;
    // Someone holds the victim's row (as a Follow of it would) while the batch starts.
    const outcome = await db.transaction(async (other) => {
      await other.query(`SELECT 1 FROM "user" WHERE uid = $1 FOR NO KEY UPDATE`, [victim]);
      const batch = db.transaction(async (purge) => {
        const [row] = await purge.query<{ n: number }>(
          `SELECT lock_operation_accounts('purge', $1, 3) AS n`,
          [victim],
        );
        // Whether the newcomer's row is held now: another session cannot take it without waiting.
        const probe = await db
          .query(`SELECT 1 FROM "user" WHERE uid = $1 FOR NO KEY UPDATE NOWAIT`, [newcomer])
          .then(
            () => "free",
            () => "held",
          );
        return { locked: row!.n, probe };
      });
      for (let i = 0; i < 200; i++) {
        const [row] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (row!.n > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      // A follow of the victim commits after the batch read its follows (none), before it got the row.
      await other.query(`INSERT INTO follow (follower_uid, followee_uid) VALUES ($1, $2)`, [
        newcomer,
        victim,
      ]);
      await other.query(`UPDATE "user" SET following_count = following_count + 1 WHERE uid = $1`, [newcomer]);
      await other.query(`UPDATE "user" SET follower_count = follower_count + 1 WHERE uid = $1`, [victim]);
      return { batch };
    });
    // The batch read its set again once it held the victim's row, gave its locks back and took both,
    // the newcomer's (lower uid) first.
    expect(await outcome.batch).toEqual({ locked: 2, probe: "held" });
    expect(await counterDrift(s.db)).toEqual([]);
  });
  /** Resolves once some session of this database waits for a row lock. */
  const someoneWaits = async () => {
    for (let i = 0; i < 400; i++) {
      const [row] = await s.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row!.n > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("nobody waited for a lock");
  };
  const followsBetween = async (a: string, b: string) => {
    const [row] = await s.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM follow WHERE (follower_uid, followee_uid) IN (($1, $2), ($2, $1))`,
      [a, b],
    );
    return row!.n;
  };

  it("a Follow that waited for a block's locks sees the block, and follows nobody", async () => {
    const [blocker, follower] = await pair("waitblock");
    let follow: Promise<GraphqlResponse> | undefined;
    await s.db.transaction(async (other) => {
      // A Block in progress: both rows held, then the block row, committed while the Follow waits.
      await other.query(`SELECT 1 FROM "user" WHERE uid IN ($1, $2) ORDER BY uid FOR NO KEY UPDATE`, [
        blocker,
        follower,
      ]);
      follow = call(follower, "Follow", { uid: blocker });
      await someoneWaits();
      await other.query(`INSERT INTO block (user_uid, target_uid) VALUES ($1, $2)`, [blocker, follower]);
    });
    const answer = await follow!;
    expect(unexpected([answer], /^you cannot follow this account$/)).toEqual([]);
    expect(answer.errors?.map((e) => e.message)).toContain("you cannot follow this account");
    expect(await followsBetween(blocker, follower)).toBe(0);
    expect(await counterDrift(s.db)).toEqual([]);
  });

  it("a Block that waited for a follow's locks removes that follow too", async () => {
    const [blocker, follower] = await pair("waitfollow");
    let block: Promise<GraphqlResponse> | undefined;
    await s.db.transaction(async (other) => {
      // A Follow in progress: both rows held, then the follow and its counters, committed while the
      // Block waits.
      await other.query(`SELECT 1 FROM "user" WHERE uid IN ($1, $2) ORDER BY uid FOR NO KEY UPDATE`, [
        blocker,
        follower,
      ]);
      block = call(blocker, "Block", { uid: follower });
      await someoneWaits();
      await other.query(`INSERT INTO follow (follower_uid, followee_uid) VALUES ($1, $2)`, [
        follower,
        blocker,
      ]);
      await other.query(`UPDATE "user" SET following_count = following_count + 1 WHERE uid = $1`, [follower]);
      await other.query(`UPDATE "user" SET follower_count = follower_count + 1 WHERE uid = $1`, [blocker]);
    });
    ok(await block!);
    expect(await followsBetween(blocker, follower)).toBe(0);
    expect(await counterDrift(s.db)).toEqual([]);
  });
});
