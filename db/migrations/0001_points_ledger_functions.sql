-- The points ledger's hot writes (earn, redeem, adjustments) as one statement each: the whole
-- write is one round trip and atomic on its own, and joins the caller's transaction when there is
-- one. Lock order, as everywhere in the ledger: the member's points_accounts row first, then lots in
-- spend order (soonest expiry first, never-expiring last, then id).
-- Outcomes: 'created' (entry = the new row), 'existing' (entry = the row that already holds the
-- idempotency key; the caller replays it or answers 409), 'insufficient' (draw only; nothing written).

-- Locks the member's account row, creating it at zero; returns its available balance.
CREATE FUNCTION points_lock_account(p_program_id text, p_member_id text) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_available bigint;
BEGIN
  SELECT a.available INTO v_available FROM points_accounts a WHERE a.member_id = p_member_id FOR UPDATE;
  IF FOUND THEN
    RETURN v_available;
  END IF;
  -- A concurrent first write for the member: the insert waits for it, then the lock below waits too.
  INSERT INTO points_accounts (member_id, program_id) VALUES (p_member_id, p_program_id) ON CONFLICT (member_id) DO NOTHING;
  SELECT a.available INTO v_available FROM points_accounts a WHERE a.member_id = p_member_id FOR UPDATE;
  RETURN v_available;
END
$$;
--> statement-breakpoint
-- The entry holding an idempotency key, read with a fresh snapshot (a twin may have just committed).
CREATE FUNCTION points_entry_by_key(p_program_id text, p_idempotency_key text) RETURNS json
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_entry points_entries;
BEGIN
  SELECT e.* INTO v_entry FROM points_entries e WHERE e.program_id = p_program_id AND e.idempotency_key = p_idempotency_key;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  RETURN row_to_json(v_entry);
END
$$;
--> statement-breakpoint
-- The available, unexpired lots that cover p_points, in spend order, locked; only the lots needed.
-- When they sum to less than p_points, that is everything the member can spend. The caller holds
-- the member's account lock, so the lots cannot change between the read and the lock.
CREATE FUNCTION points_spendable_lots(p_member_id text, p_points bigint, p_now timestamptz, p_exclude_lot_id text DEFAULT NULL)
RETURNS TABLE (id text, remaining bigint, state points_lot_state, expires_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    SELECT l.id, l.remaining, l.state, l.expires_at FROM points_lots l
    WHERE l.id IN (
      SELECT s.id FROM (
        SELECT o.id, coalesce(sum(o.remaining) OVER (ORDER BY o.expires_at ASC NULLS LAST, o.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
        FROM points_lots o
        WHERE o.member_id = p_member_id AND o.state = 'available' AND o.remaining > 0
          AND (o.expires_at IS NULL OR o.expires_at > p_now)
          AND o.id IS DISTINCT FROM p_exclude_lot_id
      ) s WHERE s.before < p_points)
    ORDER BY l.expires_at ASC NULLS LAST, l.id
    FOR UPDATE OF l;
END
$$;
--> statement-breakpoint
-- Credits p_points as a new lot (earn, positive adjustment): pending until p_available_at when
-- p_pending, then available until p_expires_at (null: never). Only earns count as lifetime earned.
CREATE FUNCTION points_credit(
  p_entry_id text, p_lot_id text, p_program_id text, p_member_id text, p_kind points_entry_kind, p_points bigint,
  p_idempotency_key text, p_request_hash text, p_reason text, p_reference text, p_order_id text,
  p_available_at timestamptz, p_expires_at timestamptz, p_pending boolean, p_actor_type text, p_actor_id text, p_now timestamptz)
RETURNS TABLE (outcome text, entry json)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_existing json;
  v_entry points_entries;
BEGIN
  PERFORM points_lock_account(p_program_id, p_member_id);
  v_existing := points_entry_by_key(p_program_id, p_idempotency_key);
  IF v_existing IS NOT NULL THEN
    RETURN QUERY SELECT 'existing'::text, v_existing;
    RETURN;
  END IF;
  INSERT INTO points_entries AS e (id, program_id, member_id, kind, amount, idempotency_key, request_hash, reason, reference,
    order_id, available_at, expires_at, actor_type, actor_id, created_at)
  VALUES (p_entry_id, p_program_id, p_member_id, p_kind, p_points, p_idempotency_key, p_request_hash, p_reason, p_reference,
    p_order_id, p_available_at, p_expires_at, p_actor_type, p_actor_id, p_now)
  ON CONFLICT ON CONSTRAINT points_entries_program_idem_uq DO NOTHING
  RETURNING e.* INTO v_entry;
  IF NOT FOUND THEN
    -- A twin with the same key (for another member) committed meanwhile: it wins.
    RETURN QUERY SELECT 'existing'::text, points_entry_by_key(p_program_id, p_idempotency_key);
    RETURN;
  END IF;
  INSERT INTO points_lots (id, program_id, member_id, entry_id, amount, remaining, available_at, expires_at, state, created_at, updated_at)
  VALUES (p_lot_id, p_program_id, p_member_id, p_entry_id, p_points, p_points, p_available_at, p_expires_at,
    CASE WHEN p_pending THEN 'pending'::points_lot_state ELSE 'available'::points_lot_state END, p_now, p_now);
  UPDATE points_accounts a SET
    available = a.available + CASE WHEN p_pending THEN 0 ELSE p_points END,
    pending = a.pending + CASE WHEN p_pending THEN p_points ELSE 0 END,
    lifetime_earned = a.lifetime_earned + CASE WHEN p_kind = 'earn' THEN p_points ELSE 0 END,
    updated_at = p_now
  WHERE a.member_id = p_member_id;
  RETURN QUERY SELECT 'created'::text, row_to_json(v_entry);
END
$$;
--> statement-breakpoint
-- Takes p_points from the member's spendable lots in spend order (redeem, negative adjustment).
-- Not enough: 'insufficient' with what could be spent and the available balance; nothing is written.
CREATE FUNCTION points_draw(
  p_entry_id text, p_program_id text, p_member_id text, p_kind points_entry_kind, p_points bigint,
  p_idempotency_key text, p_request_hash text, p_reason text, p_reference text, p_actor_type text, p_actor_id text, p_now timestamptz)
RETURNS TABLE (outcome text, entry json, spendable bigint, available bigint)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_available bigint;
  v_existing json;
  v_entry points_entries;
  v_lot record;
  v_left bigint := p_points;
  v_lot_ids text[] := '{}';
  v_takes bigint[] := '{}';
BEGIN
  v_available := points_lock_account(p_program_id, p_member_id);
  v_existing := points_entry_by_key(p_program_id, p_idempotency_key);
  IF v_existing IS NOT NULL THEN
    RETURN QUERY SELECT 'existing'::text, v_existing, NULL::bigint, NULL::bigint;
    RETURN;
  END IF;
  FOR v_lot IN SELECT s.id, s.remaining FROM points_spendable_lots(p_member_id, p_points, p_now) s LOOP
    EXIT WHEN v_left = 0;
    v_lot_ids := v_lot_ids || v_lot.id;
    v_takes := v_takes || least(v_lot.remaining, v_left);
    v_left := v_left - least(v_lot.remaining, v_left);
  END LOOP;
  IF v_left > 0 THEN
    -- A refusal must not hide a replay: a twin (for another member) may hold the key by now.
    v_existing := points_entry_by_key(p_program_id, p_idempotency_key);
    IF v_existing IS NOT NULL THEN
      RETURN QUERY SELECT 'existing'::text, v_existing, NULL::bigint, NULL::bigint;
    ELSE
      RETURN QUERY SELECT 'insufficient'::text, NULL::json, p_points - v_left, v_available;
    END IF;
    RETURN;
  END IF;
  INSERT INTO points_entries AS e (id, program_id, member_id, kind, amount, idempotency_key, request_hash, reason, reference,
    actor_type, actor_id, created_at)
  VALUES (p_entry_id, p_program_id, p_member_id, p_kind, -p_points, p_idempotency_key, p_request_hash, p_reason, p_reference,
    p_actor_type, p_actor_id, p_now)
  ON CONFLICT ON CONSTRAINT points_entries_program_idem_uq DO NOTHING
  RETURNING e.* INTO v_entry;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'existing'::text, points_entry_by_key(p_program_id, p_idempotency_key), NULL::bigint, NULL::bigint;
    RETURN;
  END IF;
  INSERT INTO points_allocations (entry_id, lot_id, amount)
  SELECT p_entry_id, u.lot_id, u.take FROM unnest(v_lot_ids, v_takes) AS u(lot_id, take);
  -- By primary key: a join with unnest() got a generic PL/pgSQL plan that scanned every lot of
  -- every member, so each redemption cost more as the table grew.
  UPDATE points_lots l SET
    remaining = l.remaining - v_takes[array_position(v_lot_ids, l.id)],
    state = CASE WHEN l.remaining - v_takes[array_position(v_lot_ids, l.id)] = 0 THEN 'closed'::points_lot_state ELSE l.state END,
    updated_at = p_now
  WHERE l.id = ANY(v_lot_ids);
  UPDATE points_accounts a SET available = a.available - p_points, updated_at = p_now WHERE a.member_id = p_member_id;
  RETURN QUERY SELECT 'created'::text, row_to_json(v_entry), NULL::bigint, NULL::bigint;
END
$$;
