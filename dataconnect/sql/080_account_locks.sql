-- Lock order between accounts. Every operation that changes two or more accounts' rows (counters,
-- privacy) locks all of them first, in uid order, before any row between them (follows, requests,
-- blocks): Follow, Unfollow, ApproveFollowRequest, Block, UpdateMyProfile's switch to public, and an
-- account deletion (below). Two such operations then never hold one row each while waiting for the
-- other's, so Postgres never has to break a deadlock by aborting one. Idempotent: CREATE OR REPLACE.

-- Locks `accounts`' rows in uid order: `exclusive`'s FOR UPDATE (every write referring to it waits),
-- the others' FOR NO KEY UPDATE (the lock their counter updates take). Rows already held are passed
-- over at no cost. Returns how many of the rows exist.
CREATE OR REPLACE FUNCTION lock_accounts_in_uid_order(accounts text[], exclusive text) RETURNS int
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  account text;
  found_rows int := 0;
BEGIN
  FOREACH account IN ARRAY ARRAY(SELECT DISTINCT a FROM unnest(accounts) a ORDER BY 1) LOOP
    IF account = exclusive THEN
      PERFORM 1 FROM "user" u WHERE u.uid = account FOR UPDATE;
    ELSE
      PERFORM 1 FROM "user" u WHERE u.uid = account FOR NO KEY UPDATE;
    END IF;
    IF FOUND THEN
      found_rows := found_rows + 1;
    END IF;
  END LOOP;
  RETURN found_rows;
END $$;

-- The accounts one PurgeAccount batch of `victim` changes: itself, and the accounts its next `batch`
-- follows both ways connect it to (`batch` NULL: every follow), in the order PurgeAccount's follow
-- statements pick them.
CREATE OR REPLACE FUNCTION purge_batch_accounts(victim text, batch int) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT victim
    UNION
    (SELECT f.followee_uid FROM follow f WHERE f.follower_uid = victim ORDER BY f.followee_uid LIMIT batch)
    UNION
    (SELECT f.follower_uid FROM follow f WHERE f.followee_uid = victim ORDER BY f.follower_uid LIMIT batch)
    ORDER BY 1)
$$;

-- The accounts an UpdateMyProfile of `me` changes: itself and, on a switch to public, the accounts
-- whose requests it approves.
CREATE OR REPLACE FUNCTION profile_update_accounts(me text, to_public boolean) RETURNS text[]
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT me
    UNION
    SELECT r.requester_uid FROM follow_request r WHERE to_public AND r.target_uid = me
    ORDER BY 1)
$$;

-- Locks the rows of the accounts an operation changes, all in uid order, when which accounts those are
-- depends on rows that only holding one of them keeps still (a deletion's follows need the deleted
-- account's row; a switch's requests, the switching account's). The set is read again once the locks
-- are held; if it changed just before (a follow or request that came meanwhile), the locks are given
-- back (a subtransaction rolled back) and taken again for the larger set, in order, so no lock is ever
-- taken out of order. `kind`: 'purge' (PurgeAccount: `arg` the batch size, NULL for all; the victim's
-- row FOR UPDATE) or 'profile' (UpdateMyProfile: `arg` 1 on a switch to public). Returns how many of
-- the rows exist (0: no such account). Also notes, for the rest of the transaction, how many other
-- accounts' rows a purge batch holds (purge_batch_holds_neighbours).
CREATE OR REPLACE FUNCTION lock_operation_accounts(kind text, me text, arg int) RETURNS int
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  wanted text[];
  current text[];
  locked int;
BEGIN
  wanted := CASE kind WHEN 'purge' THEN purge_batch_accounts(me, arg) ELSE profile_update_accounts(me, arg = 1) END;
  LOOP
    BEGIN
      locked := lock_accounts_in_uid_order(wanted, CASE kind WHEN 'purge' THEN me END);
      current := CASE kind WHEN 'purge' THEN purge_batch_accounts(me, arg) ELSE profile_update_accounts(me, arg = 1) END;
      IF current <@ wanted THEN
        IF kind = 'purge' THEN
          PERFORM set_config('rookery.purge_batch_neighbours', greatest(locked - 1, 0)::text, true);
        END IF;
        RETURN CASE WHEN EXISTS (SELECT 1 FROM "user" u WHERE u.uid = me) THEN locked ELSE 0 END;
      END IF;
      RAISE EXCEPTION USING ERRCODE = 'RK001', MESSAGE = 'lock set changed';
    EXCEPTION WHEN SQLSTATE 'RK001' THEN
      wanted := ARRAY(SELECT DISTINCT a FROM unnest(wanted || current) a ORDER BY 1);
    END;
  END LOOP;
END $$;

-- Whether this transaction's PurgeAccount batch holds other accounts' rows (lock_operation_accounts locked the
-- rows of neighbours its follows connect to). Its comment and post tombstones wait for a batch that
-- does not: they lock other people's posts' counter rows, which a neighbour's Reply, Repost or Quote
-- locks before that neighbour's own row, so doing both in one batch could close a cycle.
CREATE OR REPLACE FUNCTION purge_batch_holds_neighbours() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(current_setting('rookery.purge_batch_neighbours', true), '')::int, 0) > 0
$$;
