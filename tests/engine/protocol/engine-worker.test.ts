/** The engine worker thread: operations round-trip, errors keep their name and message, the thread stays up. */
import { afterAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { ENGINE_RESTARTED, workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import type { ApiEvent } from '../../../src-engine/protocol/api.ts';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import { getTemplate, newProject, listTemplates } from '../../../src-engine/train/templates.ts';

const engine = workerEngine(path.join(import.meta.dirname, 'engine-worker.boot.mjs'));
afterAll(() => engine.close());

describe('engine worker', () => {
  it('lists every template of the engine', async () => {
    const t = await engine.listTemplates({});
    expect(t.map((x) => x.id)).toEqual(listTemplates().map((x) => x.id));
    const digits = t.find((x) => /784-15-10/.test(x.name));
    expect(digits && analyzeGraph(digits.graph).totalParams).toBe(11_935);
  }, 30_000);

  it('parses, migrates and serialises projects; errors come back as ProjectError', async () => {
    const p = await engine.newProject({ templateId: null });
    expect(p.graph.nodes).toEqual([]);
    const text = await engine.projectText(p, 'a.netwright');
    expect(JSON.parse(text)).toMatchObject({ format: 'netwright-project', version: 1, name: 'Untitled' });
    const back = await engine.readProject(text, 'a.netwright');
    expect(back).toEqual(p);
    const err = await engine.readProject('{', 'broken.netwright').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('ProjectError');
    expect((err as Error).message).toMatch(/^broken\.netwright is not a Netwright project: it is not valid JSON/);
    await expect(engine.newProject({ templateId: 'nope' })).rejects.toThrow("There is no template 'nope'.");
    // Still answering after errors.
    expect((await engine.newProject({ templateId: null })).name).toBe('Untitled');
  });
});

describe('engine worker supervision', () => {
  it('fails the pending call with a sentence when the worker runs out of memory, restarts it and keeps the host', async () => {
    const small = workerEngine(path.join(import.meta.dirname, 'engine-worker.boot.mjs'), { maxHeapMb: 64 });
    const events: ApiEvent[] = [];
    small.onEvent((e) => events.push(e));
    try {
      expect((await small.newProject({ templateId: null })).name).toBe('Untitled');
      // A long run in progress when the worker dies ends in the page as stopped.
      const t = getTemplate('x4-relu-hidden');
      const { runId } = await small.trainStart({
        project: { ...newProject(null), name: t.name, graph: t.graph, training: { ...t.training, epochs: 1_000_000 } },
        data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
        start: 'fresh',
        ep: null,
      });
      await expect.poll(() => events.some((e) => e.type === 'train-progress'), { timeout: 20_000 }).toBe(true);
      // A project whose weights JSON.parse turns into millions of heap numbers: more than 64 MB.
      const huge = `{"format":"netwright-project","version":1,"weights":{"w":{"shape":[1,1],"data":[${'0.5,'.repeat(4_000_000)}0]}}}`;
      const err = (await small.readProject(huge, 'huge.netwright').catch((e: Error) => e)) as Error;
      expect(err.name).toBe(ENGINE_RESTARTED);
      expect(err.message).toBe(
        'The engine ran out of memory while working on this request, and was restarted. Data files opened before must be opened again; your project is unchanged.',
      );
      await expect.poll(() => events.find((e) => e.type === 'error'), { timeout: 20_000 }).toBeDefined();
      expect(events.find((e) => e.type === 'error')).toEqual({
        type: 'error',
        message:
          'The engine ran out of memory, which stopped the training run and a request failed. It was restarted: data files opened before must be opened again, and training starts afresh. Your project is unchanged.',
      });
      const done = events.findIndex((e) => e.type === 'train' && e.event.type === 'done');
      expect(events[done]).toMatchObject({ type: 'train', runId, event: { type: 'done', reason: 'stopped' } });
      expect(done).toBeLessThan(events.findIndex((e) => e.type === 'error'));
      // The fresh worker answers; the host process never went down.
      expect((await small.newProject({ templateId: null })).name).toBe('Untitled');
      expect(small.status()).toEqual({ pending: 0, restarts: 1 });
    } finally {
      await small.close();
    }
  }, 120_000);

  it('rejects a payload that cannot be passed to the worker and keeps nothing pending for it', async () => {
    let deep: unknown = {};
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    for (let i = 0; i < 200; i++) {
      const err = (await engine.readProject(deep, 'deep.netwright').catch((e: Error) => e)) as Error;
      expect(err.name).toBe('BadRequest');
      expect(err.message).toMatch(/^The request cannot be passed to the engine: Maximum call stack size exceeded/);
    }
    expect(engine.status().pending).toBe(0);
    expect((await engine.newProject({ templateId: null })).name).toBe('Untitled');
  });
});
