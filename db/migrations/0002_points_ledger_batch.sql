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
