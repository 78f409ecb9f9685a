import { eq } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { programs } from '../../../db/schema/index.js';

// A program never moves to another tenant, so each process keeps what it has read.
const tenants = new Map<string, string>();

/** The tenant a program's log entries are filed under, for callers that do not have it at hand. */
export async function tenantOfProgram(db: Db, programId: string): Promise<string> {
  const known = tenants.get(programId);
  if (known) return known;
  const [row] = await db.select({ tenantId: programs.tenantId }).from(programs).where(eq(programs.id, programId));
  if (!row) throw new Error(`program ${programId} not found`);
  tenants.set(programId, row.tenantId);
  return row.tenantId;
}
