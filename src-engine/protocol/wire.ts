/** The messages the browser host and the renderer exchange over the WebSocket (JSON text frames). */
import { z } from 'zod';
import type { ApiErrorCode, ApiEvent } from './api.ts';

export type WireReply =
  | { id: number | null; ok: true; result: unknown }
  | { id: number | null; ok: false; error: { code: ApiErrorCode; message: string } };

export interface WireEvent {
  event: ApiEvent;
}

export const wireRequestSchema = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    method: z.string().max(100),
    payload: z.unknown(),
  })
  .strict();

/** Build an error reply. */
export function errorReply(id: number | null, code: ApiErrorCode, message: string): WireReply {
  return { id, ok: false, error: { code, message } };
}
