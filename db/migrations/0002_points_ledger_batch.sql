-- Group commit for the ledger's standalone hot writes (earn, redeem, adjustments outside a caller's
-- transaction): the writes that queued while the previous batch ran go together as ONE statement,
-- so one implicit transaction and one commit (the dominant per-write cost) serve them all
-- (src/core/points/batch.ts). Each write is exactly what points_credit / points_draw do alone.
-- Lock order: writes run ordered by member id, and within a member the account before its lots
-- (the house order), so concurrent batches, from any process, never wait on each other in a cycle.
-- A write that is refused ('insufficient') writes nothing and leaves the others alone; an error
-- fails the whole statement and the caller re-runs each write on its own.
-- p_writes: a JSON array of objects with the keys of the record below; `ord` is the caller's
-- position, echoed back so each write gets its own outcome. `audit` (optional): the audit row of a
-- created entry, written in the same statement ({ id, tenant_id, action, after, request_id }).
CREATE FUNCTION points_write_batch(p_writes jsonb)
RETURNS TABLE (ord int, outcome text, entry json, spendable bigint, available bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  w record;
  r record;
BEGIN
  FOR w IN
    SELECT * FROM jsonb_to_recordset(p_writes) AS o(
      ord int, op text, entry_id text, lot_id text, program_id text, member_id text, kind points_entry_kind, points bigint,
      idempotency_key text, request_hash text, reason text, reference text, order_id text, available_at timestamptz,
      expires_at timestamptz, pending boolean, actor_type text, actor_id text, at timestamptz, audit jsonb)
    ORDER BY o.member_id, o.ord
  LOOP
    IF w.op = 'credit' THEN
      SELECT c.outcome, c.entry, NULL::bigint AS spendable, NULL::bigint AS available INTO r
      FROM points_credit(w.entry_id, w.lot_id, w.program_id, w.member_id, w.kind, w.points, w.idempotency_key, w.request_hash,
        w.reason, w.reference, w.order_id, w.available_at, w.expires_at, w.pending, w.actor_type, w.actor_id, w.at) c;
    ELSE
      SELECT d.outcome, d.entry, d.spendable, d.available INTO r
      FROM points_draw(w.entry_id, w.program_id, w.member_id, w.kind, w.points, w.idempotency_key, w.request_hash,
        w.reason, w.reference, w.actor_type, w.actor_id, w.at) d;
    END IF;
    IF r.outcome = 'created' AND w.audit IS NOT NULL THEN
      INSERT INTO audit_log (id, tenant_id, program_id, actor_type, actor_id, action, entity_type, entity_id, after, request_id)
      VALUES (w.audit->>'id', w.audit->>'tenant_id', w.program_id, w.actor_type, w.actor_id, w.audit->>'action', 'points_entry',
        w.entry_id, w.audit->'after', w.audit->>'request_id');
    END IF;
    ord := w.ord;
    outcome := r.outcome;
    entry := r.entry;
    spendable := r.spendable;
    available := r.available;
    RETURN NEXT;
  END LOOP;
END
$$;
--> statement-breakpoint
-- points_draw as in 0001, except for how it updates the lots it draws from (see the comment there):
-- PL/pgSQL reuses a generic plan, in which the join with unnest() became a sequential scan of
-- points_lots, so every redemption cost more as the table grew (half a millisecond at 20k lots).
CREATE OR REPLACE FUNCTION points_draw(
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
  -- By primary key: a join with unnest() got a generic plan that scanned every lot of every member.
  UPDATE points_lots l SET
    remaining = l.remaining - v_takes[array_position(v_lot_ids, l.id)],
    state = CASE WHEN l.remaining - v_takes[array_position(v_lot_ids, l.id)] = 0 THEN 'closed'::points_lot_state ELSE l.state END,
    updated_at = p_now
  WHERE l.id = ANY(v_lot_ids);
  UPDATE points_accounts a SET available = a.available - p_points, updated_at = p_now WHERE a.member_id = p_member_id;
  RETURN QUERY SELECT 'created'::text, row_to_json(v_entry), NULL::bigint, NULL::bigint;
END
$$;
