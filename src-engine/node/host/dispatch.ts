/**
 * One place where untrusted messages meet the handlers: method name and payload are validated,
 * every failure becomes an error reply, and nothing a client sends can throw past here.
 */
import { ApiError, type ApiErrorCode, type ApiMethods } from '../../protocol/api.ts';
import { checkRequest, isApiMethod } from '../../protocol/schemas.ts';
import { errorReply, wireRequestSchema, type WireReply } from '../../protocol/wire.ts';

/** Error codes by the name of the error a handler or the engine throws (names survive the worker boundary). */
const CODES: Record<string, ApiErrorCode> = {
  ProjectError: 'invalid-project',
  DataError: 'bad-data',
  LimitError: 'too-large',
  EngineRestarted: 'engine-restarted',
  BadRequest: 'bad-request',
  RangeError: 'bad-request',
  ZodError: 'bad-request',
};

/** Map an exception from a handler to an error code and message for the client. */
export function toErrorReply(id: number | null, e: unknown): WireReply {
  const err = e instanceof Error ? e : new Error(String(e));
  let code: ApiErrorCode = 'internal';
  if (err instanceof ApiError) code = err.code;
  else if (Object.hasOwn(CODES, err.name)) code = CODES[err.name]!;
  // A data error beyond a limit names the setting to raise, as other limit errors do.
  if (code === 'bad-data' && (err as { code?: unknown }).code === 'too-large') code = 'too-large';
  return errorReply(id, code, err.message || 'Unknown error');
}

/** Deepest nesting a request may have: a project nests about 6 levels; 100,000 would overflow later stacks. */
export const MAX_DEPTH = 200;

/** Whether a value nests objects or arrays deeper than `max` levels (walked without recursion). */
function nestsDeeper(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Validate and run one call; always resolves to a reply. */
export async function dispatchCall(
  api: ApiMethods,
  id: number | null,
  method: unknown,
  payload: unknown,
): Promise<WireReply> {
  if (!isApiMethod(method))
    return errorReply(id, 'unknown-method', `There is no Api method '${String(method).slice(0, 100)}'.`);
  if (nestsDeeper(payload, MAX_DEPTH))
    return errorReply(
      id,
      'bad-request',
      `Bad request to ${method}: the payload nests deeper than ${MAX_DEPTH} levels.`,
    );
  const checked = checkRequest(method, payload);
  if (!checked.ok) return errorReply(id, checked.code, checked.message);
  try {
    const handler = api[method] as (req: unknown) => Promise<unknown>;
    return { id, ok: true, result: await handler(checked.value) };
  } catch (e) {
    return toErrorReply(id, e);
  }
}

/** Handle one raw WebSocket text frame. */
export async function dispatchMessage(api: ApiMethods, text: string): Promise<WireReply> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return errorReply(null, 'bad-request', 'The message is not valid JSON.');
  }
  const msg = wireRequestSchema.safeParse(raw);
  if (!msg.success) {
    const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null;
    return errorReply(
      Number.isSafeInteger(id) ? id : null,
      'bad-request',
      'A request must be {"id": number, "method": string, "payload": object}.',
    );
  }
  return dispatchCall(api, msg.data.id, msg.data.method, msg.data.payload);
}
