import { ApiError } from '../../api/client';
import { session } from '../../api/session';

/** For operations that answer 204 (the typed client's `call` expects a JSON body). */
export async function callNoContent(request: Promise<Response>): Promise<void> {
  let res: Response;
  try {
    res = await request;
  } catch {
    throw new ApiError(0, 'network_error', 'network_error');
  }
  if (res.ok) return;
  if (res.status === 401) session.expire();
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: unknown; requestId?: string } } | null;
  throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? res.statusText, body?.error?.details, body?.error?.requestId);
}
