-- Rules the schema language cannot state. Idempotent: applied after every migration.

-- Nobody follows, asks to follow, blocks or mutes themselves, whatever the client sends.
DO $$ BEGIN
  ALTER TABLE follow ADD CONSTRAINT follow_not_self CHECK (follower_uid <> followee_uid);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  ALTER TABLE block ADD CONSTRAINT block_not_self CHECK (user_uid <> target_uid);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  ALTER TABLE follow_request ADD CONSTRAINT follow_request_not_self CHECK (requester_uid <> target_uid);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  ALTER TABLE mute ADD CONSTRAINT mute_not_self CHECK (user_uid <> target_uid);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- Counters never go below zero, even if a bug tried.
DO $$ BEGIN
  ALTER TABLE "user" ADD CONSTRAINT user_counters_not_negative
    CHECK (follower_count >= 0 AND following_count >= 0 AND post_count >= 0);
EXCEPTION WHEN duplicate_object THEN NULL; END $$;

-- One live repost of a post per user: reposting twice is refused by the database.
CREATE UNIQUE INDEX IF NOT EXISTS post_one_live_repost_uidx
  ON post (author_uid, repost_of_id)
  WHERE repost_of_id IS NOT NULL AND deleted_at IS NULL;
