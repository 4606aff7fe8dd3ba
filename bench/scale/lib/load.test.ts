import { expect, it } from "vitest";
import { weight } from "./load.ts";

it("schedules the text-search GIN index over posts before follow's B-trees, and those by their cost", () => {
  const gin = weight({
    table: "post",
    sql: "CREATE INDEX post_search_idx ON public.post USING gin (to_tsvector('simple'::regconfig, fold_text(content)))",
  });
  const followee = weight({
    table: "follow",
    sql: "CREATE INDEX f ON public.follow USING btree (followee_uid, created_at DESC)",
  });
  const follower = weight({
    table: "follow",
    sql: "CREATE INDEX f ON public.follow USING btree (follower_uid, created_at DESC)",
  });
  const postKey = weight({
    table: "post",
    sql: "ALTER TABLE post ADD PRIMARY KEY (id)",
    index: "CREATE UNIQUE INDEX k ON public.post USING btree (id)",
  });
  expect(gin).toBeGreaterThan(followee);
  expect(followee).toBeGreaterThan(follower);
  expect(follower).toBeGreaterThan(postKey);
});
