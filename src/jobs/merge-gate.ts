import type { JobDefinition } from './types.js';

/**
 * Where payloads of a job definition with `merge` gather before they go to the queue as one job
 * (BullMQ runner): every queued job costs the worker a few Redis round trips, whatever it carries.
 * The first payload after a quiet spell leaves at once (after one turn of the event loop, so that
 * payloads enqueued together still share a job); then at most one job per `merge.windowMs` leaves,
 * with everything that gathered meanwhile, or sooner when `merge.max` payloads are waiting. A quiet
 * process adds no delay; a busy one sends a job per window instead of one per payload.
 */
export interface MergeGate {
  /** Resolves once the job carrying the payload is queued; rejects if that fails. */
  add(def: JobDefinition, payload: unknown, jobId: string | undefined): Promise<void>;
  /** Payloads gathered and not sent yet. */
  pending(): number;
  /** Sends everything gathered at once (shutdown). */
  flush(): Promise<void>;
}

interface Waiting {
  payload: unknown;
  jobId: string | undefined;
  resolve(): void;
  reject(err: unknown): void;
}

interface Gate {
  def: JobDefinition;
  waiting: Waiting[];
  timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  lastSentAt: number;
  sending: Set<Promise<void>>;
}

/** `send` queues one job (with the job id when it carries a single payload). */
export function createMergeGate(send: (name: string, payload: unknown, jobId: string | undefined) => Promise<void>): MergeGate {
  const gates = new Map<string, Gate>();

  function release(gate: Gate): Promise<void> {
    if (gate.timer) {
      clearTimeout(gate.timer as NodeJS.Timeout);
      clearImmediate(gate.timer as NodeJS.Immediate);
      gate.timer = undefined;
    }
    const waiting = gate.waiting;
    gate.waiting = [];
    gate.lastSentAt = Date.now();
    if (waiting.length === 0) return Promise.resolve();
    const merge = gate.def.merge!;
    // Alone, a payload keeps its job id, which still deduplicates it.
    const [payload, jobId] = waiting.length === 1 ? [waiting[0]!.payload, waiting[0]!.jobId] : [merge.payloads(waiting.map((w) => w.payload)), undefined];
    const sent = send(gate.def.name, payload, jobId).then(
      () => waiting.forEach((w) => w.resolve()),
      (err: unknown) => waiting.forEach((w) => w.reject(err)),
    );
    gate.sending.add(sent);
    void sent.finally(() => gate.sending.delete(sent));
    return sent;
  }

  return {
    add(def, payload, jobId) {
      let gate = gates.get(def.name);
      if (!gate) {
        gate = { def, waiting: [], timer: undefined, lastSentAt: 0, sending: new Set() };
        gates.set(def.name, gate);
      }
      const g = gate;
      return new Promise<void>((resolve, reject) => {
        g.waiting.push({ payload, jobId, resolve, reject });
        if (g.waiting.length >= g.def.merge!.max) void release(g);
        else if (!g.timer) {
          const wait = g.lastSentAt + g.def.merge!.windowMs - Date.now();
          g.timer = wait > 0 ? setTimeout(() => void release(g), wait) : setImmediate(() => void release(g));
        }
      });
    },
    pending() {
      let n = 0;
      for (const gate of gates.values()) n += gate.waiting.length + gate.sending.size;
      return n;
    },
    async flush() {
      await Promise.allSettled([...gates.values()].flatMap((gate) => [release(gate), ...gate.sending]));
    },
  };
}
