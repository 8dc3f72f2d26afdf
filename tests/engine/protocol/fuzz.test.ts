/**
 * Payload fuzzing through the browser host: thousands of random or malformed messages to every Api
 * method. None may crash the host; each gets exactly one error reply; a valid call works afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type WebSocket from 'ws';
import type { BrowserHost } from '../../../src-engine/node/host/server.ts';
import { requestSchemas } from '../../../src-engine/protocol/schemas.ts';
import { API_METHODS } from '../../../src-engine/protocol/api.ts';
import * as path from 'node:path';
import { workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import { openSocket, request, startTestHost } from './host-fixture.ts';

let host: BrowserHost;
beforeAll(async () => {
  ({ host } = await startTestHost());
});
afterAll(() => host.close());

type Reply = { id: number | null; ok: boolean; error?: { code: string; message: string } };

/** Send frames and collect one reply per frame. */
async function sendAll(ws: WebSocket, frames: (string | Buffer)[]): Promise<Reply[]> {
  const replies: Reply[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`only ${replies.length} of ${frames.length} replies arrived`)),
      30_000,
    );
    ws.on('message', (d) => {
      replies.push(JSON.parse(d.toString()));
      if (replies.length === frames.length) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  for (const f of frames) ws.send(f);
  await done;
  return replies;
}

const seed = 20261123;

describe('Api payload fuzzing through the browser host', () => {
  it('answers malformed frames (not JSON, wrong envelope, binary) with bad-request', async () => {
    const ws = await openSocket(host);
    const texts = fc.sample(fc.string({ maxLength: 60 }), { numRuns: 400, seed }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    const envelopes = fc
      .sample(fc.jsonValue(), { numRuns: 600, seed: seed + 1 })
      .filter(
        (v) =>
          !(
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            typeof (v as { method?: unknown }).method === 'string' &&
            typeof (v as { id?: unknown }).id === 'number'
          ),
      )
      .map((v) => JSON.stringify(v));
    const frames: (string | Buffer)[] = [
      ...texts,
      ...envelopes,
      Buffer.from([0, 1, 2, 255]),
      '',
      '{"id":-1,"method":"hostInfo","payload":{}}',
      '{"id":1.5,"method":"hostInfo","payload":{}}',
    ];
    const replies = await sendAll(ws, frames);
    expect(replies).toHaveLength(frames.length);
    expect(frames.length).toBeGreaterThan(700);
    for (const r of replies) expect(r).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    ws.close();
  });

  it('answers unknown methods and invalid payloads for every method with an error', async () => {
    const ws = await openSocket(host);
    const frames: string[] = [];
    let id = 1;
    const names = fc
      .sample(fc.string({ maxLength: 30 }), { numRuns: 200, seed: seed + 2 })
      .filter((m) => !(API_METHODS as readonly string[]).includes(m));
    for (const m of [...names, '__proto__', 'constructor', 'toString', 'hasOwnProperty'])
      frames.push(JSON.stringify({ id: id++, method: m, payload: {} }));
    const unknown = frames.length;
    for (const method of API_METHODS) {
      const bad = fc
        .sample(fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: false }), {
          numRuns: 400,
          seed: seed + id,
        })
        .map((p) => JSON.parse(JSON.stringify(p ?? null) ?? 'null'))
        .filter((p) => !requestSchemas[method].safeParse(p).success);
      for (const p of bad) frames.push(JSON.stringify({ id: id++, method, payload: p }));
    }
    const replies = await sendAll(ws, frames);
    expect(frames.length).toBeGreaterThan(2000);
    expect(replies.every((r) => r.ok === false)).toBe(true);
    expect(new Set(replies.map((r) => r.id)).size).toBe(frames.length);
    const byId = new Map(replies.map((r) => [r.id, r]));
    for (let i = 1; i <= unknown; i++) expect(byId.get(i)!.error!.code).toBe('unknown-method');
    // A payload whose project the reader refuses is an invalid project; anything else a bad request.
    for (let i = unknown + 1; i < id; i++)
      expect(['bad-request', 'invalid-project']).toContain(byId.get(i)!.error!.code);
    ws.close();
  });

  it('answers well-formed calls with random project contents with invalid-project', async () => {
    const ws = await openSocket(host);
    let id = 1;
    const frames: string[] = [];
    const texts = fc.sample(fc.oneof(fc.string({ maxLength: 80 }), fc.json({ maxDepth: 3 })), {
      numRuns: 300,
      seed: seed + 3,
    });
    for (const text of texts)
      frames.push(JSON.stringify({ id: id++, method: 'importProject', payload: { fileName: 'fuzz.netwright', text } }));
    const projects = fc.sample(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })), {
      numRuns: 300,
      seed: seed + 4,
    });
    for (const project of projects) {
      frames.push(
        JSON.stringify({ id: id++, method: 'saveProject', payload: { project, saveAs: false, fileName: null } }),
      );
      frames.push(
        JSON.stringify({
          id: id++,
          method: 'autosave',
          payload: { project: { ...project, format: 'netwright-project', version: 1 }, fileName: 'x.netwright' },
        }),
      );
    }
    const replies = await sendAll(ws, frames);
    for (const r of replies) expect(r).toMatchObject({ ok: false, error: { code: 'invalid-project' } });
    // Still alive and answering.
    const info = await request(ws, 999_999, 'hostInfo', {});
    expect(info).toMatchObject({ ok: true, result: { kind: 'browser' } });
    ws.close();
  });
});

describe("Api fuzzing against the engine worker (the app's own setup)", () => {
  it('answers thousands of hostile payloads once each, keeps nothing pending and memory bounded', async () => {
    const engine = workerEngine(path.join(import.meta.dirname, 'engine-worker.boot.mjs'));
    const { host: workerHost } = await startTestHost(engine);
    try {
      const ws = await openSocket(workerHost);
      // Warm up (the worker compiles the engine on its first call), then measure.
      expect(await request(ws, 0, 'listTemplates', {})).toMatchObject({ ok: true });
      const before = process.memoryUsage().rss;
      /** JSON text nested `depth` deep (JSON.stringify itself would overflow the stack building it). */
      const nested = (depth: number): string => '[{"a":'.repeat(depth) + '1' + '}]'.repeat(depth);
      const projectish = fc.record({
        format: fc.constant('netwright-project'),
        version: fc.oneof(fc.constant(1), fc.integer(), fc.string({ maxLength: 3 })),
        graph: fc.anything({ maxDepth: 3, withBigInt: false }),
        weights: fc.anything({ maxDepth: 2, withBigInt: false }),
      });
      let id = 1;
      let checked = 0;
      const rounds = 6;
      for (let round = 0; round < rounds; round++) {
        const frames: string[] = [];
        const payloads = fc.sample(
          fc.oneof(
            fc.record({ project: projectish, fileName: fc.constant(null) }),
            fc.record({ fileName: fc.constant('f.netwright'), text: fc.json({ maxDepth: 3 }) }),
            fc.nat(4).map((k) => ({ deep: 10 ** (k + 1) })),
            fc.record({ dataId: fc.string({ maxLength: 8 }), target: fc.constant(null) }),
            fc.record({ uploadId: fc.string({ maxLength: 8 }), offset: fc.nat(), base64: fc.base64String() }),
          ),
          { numRuns: 250, seed: seed + 100 + round },
        );
        const methods = ['autosave', 'importProject', 'saveProject', 'summarizeData', 'uploadChunk', 'closeData'];
        for (const [k, p] of payloads.entries()) {
          const method = methods[k % methods.length];
          if ('deep' in p)
            frames.push(`{"id":${id++},"method":"${method}","payload":{"project":${nested(p.deep)},"fileName":null}}`);
          else frames.push(JSON.stringify({ id: id++, method, payload: p }));
        }
        const replies = await sendAll(ws, frames);
        expect(new Set(replies.map((r) => r.id)).size).toBe(frames.length);
        for (const r of replies) expect(r.ok === true || typeof r.error?.message === 'string').toBe(true);
        checked += replies.length;
      }
      expect(checked).toBeGreaterThanOrEqual(rounds * 250);
      expect(engine.status()).toEqual({ pending: 0, restarts: 0 });
      const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
      expect(grownMb).toBeLessThan(300);
      expect(await request(ws, id++, 'hostInfo', {})).toMatchObject({ ok: true, result: { kind: 'browser' } });
      ws.close();
    } finally {
      await workerHost.close();
      await engine.close();
    }
  }, 180_000);
});
