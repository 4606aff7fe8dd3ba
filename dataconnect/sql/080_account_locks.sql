-- Lock order between accounts. Every operation that changes two or more accounts' rows (counters,
-- privacy) locks all of them first, in uid order, before any row between them (follows, requests,
-- blocks): Follow, Unfollow, ApproveFollowRequest, Block, UpdateMyProfile's switch to public, and an
-- account deletion (below). Two such operations then never hold one row each while waiting for the
-- other's, so Postgres never has to break a deadlock by aborting one. Idempotent: CREATE OR REPLACE.

-- The accounts' rows one PurgeAccount batch of `victim` changes — its own (FOR UPDATE: every write that
-- refers to it waits, then fails once the row is gone) and those of the accounts its next `batch` follows
-- both ways connect it to (FOR NO KEY UPDATE: their counters move), all in uid order; `batch` NULL: every
-- follow (the final call). PurgeAccount's follow statements pick the same follows (same order, same
-- limit), which cannot change meanwhile: a follow of the victim's, made or removed, needs its row. The
-- set is read again once the locks are held; if a follow came or went just before, the newcomers are
-- locked too (out of order only in that case). Returns how many rows it locked (0: no such account),
-- and notes for the rest of the transaction whether it holds any neighbour's row.
CREATE OR REPLACE FUNCTION lock_purge_batch(victim text, batch int) RETURNS int
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  wanted text[];
  held text[] := '{}';
  account text;
BEGIN
  LOOP
    wanted := ARRAY(
      SELECT victim
      UNION
      (SELECT f.followee_uid FROM follow f WHERE f.follower_uid = victim ORDER BY f.followee_uid LIMIT batch)
      UNION
      (SELECT f.follower_uid FROM follow f WHERE f.followee_uid = victim ORDER BY f.follower_uid LIMIT batch)
      ORDER BY 1);
    IF wanted <@ held THEN
      PERFORM set_config('rookery.purge_batch_neighbours', (cardinality(held) - 1)::text, true);
      RETURN cardinality(held);
    END IF;
    FOREACH account IN ARRAY wanted LOOP
      CONTINUE WHEN account = ANY (held);
      IF account = victim THEN
        PERFORM 1 FROM "user" u WHERE u.uid = account FOR UPDATE;
        -- No such account: nothing to lock, nothing to purge.
        IF NOT FOUND THEN
          RETURN 0;
        END IF;
      ELSE
        PERFORM 1 FROM "user" u WHERE u.uid = account FOR NO KEY UPDATE;
      END IF;
      held := held || account;
    END LOOP;
  END LOOP;
END $$;

-- Whether this transaction's PurgeAccount batch holds other accounts' rows (lock_purge_batch locked the
-- rows of neighbours its follows connect to). Its comment and post tombstones wait for a batch that
-- does not: they lock other people's posts' counter rows, which a neighbour's Reply, Repost or Quote
-- locks before that neighbour's own row, so doing both in one batch could close a cycle.
CREATE OR REPLACE FUNCTION purge_batch_holds_neighbours() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('rookery.purge_batch_neighbours', true), '')::int, 0) > 0
$$;
