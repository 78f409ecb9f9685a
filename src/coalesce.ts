/**
 * Group commit for round trips: items queued while a send is in flight go together in the next
 * one. A quiet process sends each item after one turn of the event loop; a busy one makes one
 * round trip for everything that arrived during the last, instead of one per item. At most one
 * send is in flight at a time.
 *
 * `send` settles its items itself (each item carries its caller's resolve and reject); should it
 * throw anyway, `onError` gets the batch so no caller is left waiting.
 */
export function createCoalescer<T>(send: (batch: T[]) => Promise<void>, onError: (batch: T[], err: unknown) => void): (item: T) => void {
  let queued: T[] = [];
  let busy = false;
  const next = () => {
    if (queued.length === 0) {
      busy = false;
      return;
    }
    const batch = queued;
    queued = [];
    let sent: Promise<void>;
    try {
      sent = send(batch);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.catch((err: unknown) => onError(batch, err)).finally(next);
  };
  return (item) => {
    queued.push(item);
    if (!busy) {
      busy = true;
      setImmediate(next);
    }
  };
}
