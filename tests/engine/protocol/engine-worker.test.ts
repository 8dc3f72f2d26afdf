/** The engine worker thread: operations round-trip, errors keep their name and message, the thread stays up. */
import { afterAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import { listTemplates } from '../../../src-engine/train/templates.ts';

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
