/** Training through the engine worker: events stream, the X4 ReLU template learns, views and exports come back. */
import { afterAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { workerEngine } from '../../../src-engine/node/worker/engine-client.ts';
import type { ApiEvent, EpochPoint, TrainingViews } from '../../../src-engine/protocol/api.ts';
import { getTemplate, newProject } from '../../../src-engine/train/templates.ts';
import { makeTrainConfig } from '../../../src-engine/train/config.ts';
import type { GraphDoc } from '../../../src-engine/graph/document.ts';
import type { Project } from '../../../src-engine/project/project.ts';
import { CHART_SERIES, PROGRESS_POINTS, RUN_RECORD_POINTS } from '../../../src-engine/views/history.ts';

/** A project of this graph and settings. */
function project(graph: GraphDoc, training: object, name: string): Project {
  return { ...newProject(null), name, graph, training: makeTrainConfig(training) };
}

const engine = workerEngine(path.join(import.meta.dirname, 'engine-worker.boot.mjs'));
afterAll(() => engine.close());

/** Per-epoch points out of a run's progress history (exact while every bucket holds one epoch). */
function pointsOf(
  e: Extract<ApiEvent, { type: 'train-progress' }>,
): { epoch: number; loss: number; accuracy?: number }[] {
  const loss = e.history.series.loss;
  const acc = e.history.series.accuracy;
  // A run that diverged in its first epoch has no epoch yet.
  if (!loss) return [];
  return loss.x.map((epoch, i) => ({ epoch, loss: loss.y[i]!, ...(acc ? { accuracy: acc.y[i]! } : {}) }));
}

function collect() {
  const points: { epoch: number; loss: number; accuracy?: number }[] = [];
  let last: EpochPoint | null = null;
  const events: ApiEvent[] = [];
  let views: TrainingViews | null = null;
  let resolveDone!: (e: ApiEvent) => void;
  const done = new Promise<ApiEvent>((r) => (resolveDone = r));
  // The run this collector follows: the first to start after it was made. Another run's end (a test
  // before that failed without stopping its run) is not this one's.
  let own: string | null = null;
  const off = engine.onEvent((e) => {
    if (e.type === 'train' && e.event.type === 'start') own ??= e.runId;
    if ('runId' in e && own !== null && e.runId !== own) return;
    events.push(e);
    if (e.type === 'train-progress') {
      // Each event carries the whole (bounded) history: the newest replaces what came before. The
      // short runs here stay one epoch a bucket (the long run's test reads the buckets itself).
      if (e.history.stride === 1) points.splice(0, points.length, ...pointsOf(e));
      if (e.last) last = e.last;
    }
    if (e.type === 'train-views') views = e.views;
    if (e.type === 'train' && e.event.type === 'done' && e.runId === own) resolveDone(e);
  });
  return { points, events, views: () => views, last: () => last, done, off };
}

describe('training in the engine worker', () => {
  it('trains the X4 ReLU template to >= 0.98 accuracy, streaming points and views', async () => {
    const t = getTemplate('x4-relu-hidden');
    const c = collect();
    const r = await engine.trainStart({
      project: project(t.graph, t.training, t.name),
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      start: 'fresh',
      ep: null,
    });
    expect(r.runId).toMatch(/^run\d+$/);
    expect(r.summary).toMatch(/rows/);
    await c.done;
    c.off();
    // The last progress event's history covers every epoch, in buckets (the run is longer than PROGRESS_POINTS).
    const final = c.events.filter((e) => e.type === 'train-progress').at(-1)!;
    const loss = final.history.series.loss!;
    expect(final.history.steps).toBe(t.training.epochs);
    expect(loss.x.at(-1)).toBe(t.training.epochs);
    expect(loss.x.length).toBeLessThanOrEqual(PROGRESS_POINTS);
    // The newest epoch's own metrics come along (the status line's readouts).
    expect(c.last()!.epoch).toBe(t.training.epochs);
    expect(c.last()!.accuracy).toBeGreaterThanOrEqual(0.98);
    expect(c.last()!.loss).toBeLessThan(loss.y[0]! / 3);
    // Progress is batched: far fewer messages than epochs.
    expect(c.events.filter((e) => e.type === 'train-progress').length).toBeLessThan(t.training.epochs / 4);
    const v = c.views()!;
    expect(v.grid!.predicted.length).toBe(64 * 64);
    expect(new Set(v.grid!.predicted).size).toBe(2);
    expect(v.grid!.contours.length).toBeGreaterThan(0);
    expect(v.space!.points.length).toBe(v.space!.labels.length * 3);
    expect(v.evaluation!.accuracy).toBeGreaterThanOrEqual(0.98);
    const onnx = await engine.exportFile('onnx');
    expect(onnx.fileName).toMatch(/\.onnx$/);
    expect((onnx.data as Uint8Array).byteLength).toBeGreaterThan(100);
    const csv = (await engine.exportFile('metrics-csv')).data as string;
    expect(csv.split('\n')[0]).toBe('epoch,loss,accuracy,lr');
    expect(csv.trim().split('\n').length).toBe(t.training.epochs + 1);
  }, 60_000);

  it('streams a 20,000-epoch run as a bounded history whose last bucket is the last epoch, and records it bounded', async () => {
    const t = getTemplate('x4-relu-hidden');
    const epochs = 20_000;
    const c = collect();
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs, batchSize: 0, validationSplit: 0.25 }, 'long'),
      data: { kind: 'builtin', id: 'x4-l-shape', params: { n: 10 } },
      start: 'fresh',
      ep: null,
    });
    const done = (await c.done) as Extract<ApiEvent, { type: 'train' }>;
    c.off();
    expect(done.event.type === 'done' && done.event.reason).toBe('completed');
    const progress = c.events.filter((e) => e.type === 'train-progress');
    expect(progress.length).toBeGreaterThan(2);
    let checked = 0;
    for (const e of progress) {
      for (const s of Object.values(e.history.series)) {
        expect(s.x.length).toBeLessThanOrEqual(PROGRESS_POINTS);
        expect(s.y.length).toBe(s.x.length);
        checked++;
      }
      // Only the chart's metrics travel (the rest is in `last`).
      expect(Object.keys(e.history.series).every((k) => (CHART_SERIES as readonly string[]).includes(k))).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(progress.length * 2);
    const final = progress.at(-1)!;
    expect(final.history.steps).toBe(epochs);
    expect(final.history.stride).toBeGreaterThan(1);
    for (const k of ['loss', 'val_loss', 'accuracy', 'val_accuracy']) {
      const s = final.history.series[k]!;
      expect(s.x.at(-1)).toBe(epochs);
      expect(s.x.length).toBeGreaterThan(PROGRESS_POINTS / 4);
      s.x.forEach((x, i) => {
        if (i) expect(x).toBeGreaterThan(s.x[i - 1]!);
        expect(s.min[i]!).toBeLessThanOrEqual(s.y[i]! + 1e-12);
        expect(s.max[i]!).toBeGreaterThanOrEqual(s.y[i]! - 1e-12);
      });
    }
    expect(final.last!.epoch).toBe(epochs);
    expect(final.history.series.loss!.y.at(-1)).toBeCloseTo(final.last!.loss, 1);
    // The run the project records is bounded the same way, its newest record the last epoch's own.
    const rec = (await engine.lastRun({}))!.run;
    expect(rec.epochs.length).toBeLessThanOrEqual(RUN_RECORD_POINTS);
    expect(rec.epochs.length).toBeGreaterThan(RUN_RECORD_POINTS / 2);
    expect(rec.epochs.at(-1)).toEqual(final.last);
    expect(rec.final!.loss).toBe(final.last!.loss);
  }, 120_000);

  it('a late preview of an untrained network leaves a run going', async () => {
    const t = getTemplate('x4-relu-hidden');
    const c = collect();
    const data = { kind: 'builtin', id: 'x4-l-shape', params: {} } as const;
    const p = project(t.graph, { ...t.training, epochs: 100000 }, 'x');
    await engine.trainStart({ project: p, data, start: 'fresh', ep: null });
    expect(await engine.restoreRun({ project: p, data })).toEqual({ views: null, note: null });
    const epochs = () => c.points.at(-1)?.epoch ?? 0;
    const now = epochs();
    await expect.poll(epochs, { timeout: 20_000 }).toBeGreaterThan(now);
    expect(c.events.some((e) => e.type === 'train' && e.event.type === 'done')).toBe(false);
    await engine.trainControl({ action: 'stop' });
    await c.done;
    c.off();
  }, 60_000);

  it('pauses, steps, resumes and stops', async () => {
    const t = getTemplate('x4-relu-hidden');
    const c = collect();
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs: 100000 }, 'x'),
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      start: 'fresh',
      ep: null,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await engine.trainControl({ action: 'pause' })).ok).toBe(true);
    // Under load the worker may be busy with views for a while before it reads the pause.
    await expect
      .poll(() => c.events.some((e) => e.type === 'train' && e.event.type === 'paused'), { timeout: 15_000 })
      .toBe(true);
    // The newest epoch, not the count of chart points: a fast machine runs past PROGRESS_POINTS
    // epochs before the pause lands, and the chart's history then holds two epochs a bucket.
    const before = c.last()!.epoch;
    const steps = () => c.events.filter((e) => e.type === 'train-progress').at(-1)!.history.steps;
    expect(steps()).toBe(before);
    await engine.trainControl({ action: 'step' });
    // One full-batch step is one epoch, and the chart shows it while still paused (a loaded machine
    // may take a while to send it: the paused run's views are computed first).
    await expect.poll(() => c.last()!.epoch, { timeout: 30_000 }).toBe(before + 1);
    expect(steps()).toBe(before + 1);
    await engine.trainControl({ action: 'stop' });
    const done = (await c.done) as Extract<ApiEvent, { type: 'train' }>;
    c.off();
    expect(done.event.type === 'done' && done.event.reason).toBe('stopped');
    // One full-batch step is one epoch.
    expect(c.last()!.epoch).toBe(before + 1);
    expect((await engine.trainControl({ action: 'pause' })).ok).toBe(false);
  }, 60_000);

  it('lists ONNX Runtime providers and trains through the ORT backend on the CPU', async () => {
    const providers = await engine.listProviders({});
    expect(providers.find((p) => p.ep === 'cpu')?.usable).toBe(true);
    const t = getTemplate('x4-relu-hidden');
    const c = collect();
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs: 50, backend: 'ort' }, 'x'),
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      start: 'fresh',
      ep: 'cpu',
    });
    const done = (await c.done) as Extract<ApiEvent, { type: 'train' }>;
    c.off();
    expect(done.event.type === 'done' && done.event.reason).toBe('completed');
    expect(c.events.some((e) => e.type === 'train' && e.event.type === 'start' && e.event.backend === 'ort-cpu')).toBe(
      true,
    );
    expect(c.points.length).toBe(50);
    expect(c.points.at(-1)!.loss).toBeLessThan(c.points[0]!.loss);
  }, 60_000);

  it("draws another run's views from its own weights without changing the model on screen", async () => {
    const t = getTemplate('x4-relu-hidden');
    const data = { kind: 'builtin' as const, id: 'x4-l-shape', params: {} };
    const train = async (lr: number) => {
      const c = collect();
      await engine.trainStart({
        project: project(t.graph, { ...t.training, epochs: 30, optimizer: { name: 'adam', lr } }, 'x'),
        data,
        start: 'fresh',
        ep: null,
      });
      await c.done;
      c.off();
      return (await engine.lastRun({}))!;
    };
    const first = await train(0.05);
    const shown = await train(0.01);
    const other: Project = {
      ...project(t.graph, first.training, 'other'),
      weights: first.weights,
      runs: [first.run],
    };
    const r = await engine.runViews({ project: other, data });
    expect(r.note).toBeNull();
    expect(r.views!.grid!.predicted.length).toBe(64 * 64);
    expect(r.views!.evaluation!.matrix!.length).toBeGreaterThan(0);
    // The model on screen is still the last run's.
    expect((await engine.lastRun({}))!.weights).toEqual(shown.weights);
    // Without weights there is nothing to draw, and it says so.
    const bare = await engine.runViews({ project: project(t.graph, t.training, 'bare'), data });
    expect(bare.views).toBeNull();
    expect(bare.note).toMatch(/no weights/);
  });

  it('streams the input space with the decision plane for three-feature data', async () => {
    const t = getTemplate('sigmoid-neuron-3d');
    const c = collect();
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs: 30 }, 'x'),
      data: t.dataset as never,
      start: 'fresh',
      ep: null,
    });
    await c.done;
    c.off();
    const space = c.views()!.space!;
    expect(space.title).toBe('Input space');
    expect(space.nodeId).toBeNull();
    expect(space.planes).toHaveLength(1);
    // The plane is a polygon clipped to the box: at least three corners, each inside it.
    const poly = space.planes[0]!;
    expect(poly.length).toBeGreaterThanOrEqual(9);
    for (let k = 0; k < poly.length; k++) {
      expect(poly[k]!).toBeGreaterThanOrEqual(space.box.min[k % 3]! - 1e-3);
      expect(poly[k]!).toBeLessThanOrEqual(space.box.max[k % 3]! + 1e-3);
    }
  });

  it('opens an uploaded CSV, summarises it and refuses an unknown target by name', async () => {
    const csv = 'a,b,label\n1,2,x\n2,3,y\n3,1,x\n4,4,y\n';
    const { uploadId } = await engine.uploadBegin({ fileName: 'tiny.csv', size: csv.length });
    await engine.uploadChunk({ uploadId, offset: 0, base64: Buffer.from(csv).toString('base64') });
    const r = await engine.openData({ uploadId, target: 'label' });
    expect(r.summary.rows).toBe(4);
    expect(r.summary.classBalance).toEqual([
      { label: 'x', count: 2 },
      { label: 'y', count: 2 },
    ]);
    await expect(
      engine.trainStart({
        project: project(getTemplate('x4-relu-hidden').graph, {}, 'x'),
        start: 'fresh',
        data: {
          kind: 'upload',
          dataId: r.dataId,
          target: 'Wingspan',
          features: null,
          scaling: 'standard',
          missing: 'drop',
          validation: 0,
          test: 0,
        },
        ep: null,
      }),
    ).rejects.toThrow(/Wingspan/);
  });

  it('traces one step of a project (any rows) and streams the gradient flow while training', async () => {
    const t = getTemplate('x4-relu-hidden');
    const p = project(t.graph, { ...t.training, epochs: 20 }, 'flow');
    const data = { kind: 'builtin' as const, id: 'x4-l-shape', params: {} };
    const trace = await engine.traceStep({ project: p, data, rows: [0, 5, 9] });
    expect(trace.rows).toBe(3);
    expect(trace.nodes.map((n) => n.id)).toEqual(t.graph.nodes.map((n) => n.id));
    const hidden = trace.nodes.find((n) => n.type === 'Dense')!;
    expect(hidden.output.shape).toEqual([3, 3]);
    expect(hidden.grad!.values).toHaveLength(9);
    expect(Object.keys(trace.params)).toContain('hidden.W');
    await expect(engine.traceStep({ project: p, data, rows: [99999] })).rejects.toThrow(/Row 99999 is out of range/);
    const c = collect();
    await engine.trainStart({ project: p, data, start: 'fresh', ep: null });
    await c.done;
    c.off();
    const flow = c.views()!.flow!;
    expect(flow.epochs.length).toBeGreaterThan(0);
    expect(flow.layers.map((l) => l.id)).toEqual(['hidden', 'output']);
    expect(flow.layers[0]!.gradRms.every((g) => g === null || g >= 0)).toBe(true);
    expect(flow.layers[0]!.dead.length).toBe(flow.epochs.length);
  }, 60_000);

  it('explains a run that blows up in its first epoch: the layer whose gradients grew first, and what to try', async () => {
    // The deep ReLU template at learning rate 5: the loss is NaN at the fifth step of epoch 1, long before
    // the flow view is measured a second time; the epoch is replayed step by step to find the layer.
    const t = getTemplate('vanishing-relu');
    const training = { ...t.training, epochs: 20, backend: 'ts', optimizer: { ...t.training.optimizer, lr: 5 } };
    const c = collect();
    const started = await engine.trainStart({
      project: project(t.graph, training, 'blow-up'),
      data: { kind: 'builtin', id: 'circle', params: { n: 400 } },
      start: 'fresh',
      ep: null,
    });
    await c.done;
    c.off();
    expect(started.message).toBeNull();
    const diverged = c.events.flatMap((e) => (e.type === 'train' && e.event.type === 'diverged' ? [e.event] : []));
    expect(diverged).toHaveLength(1);
    const d = diverged[0]!;
    expect(d.message).toMatch(/^Training diverged in epoch 1, batch \d+: the loss became/);
    // The state it was replayed from stays in the engine.
    expect(d).not.toHaveProperty('epochStart');
    const named =
      /^The gradients of layer '([^']+)' grew first \(to ([\d,]+)× their size at the start, then NaN or infinite\)\. /.exec(
        d.advice,
      );
    expect(named, d.advice).not.toBeNull();
    const layers = t.graph.nodes.filter((n) => n.type !== 'Input').map((n) => n.id);
    expect(layers).toContain(named![1]);
    expect(Number(named![2]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(10);
    expect(d.advice).toMatch(/Try a learning rate of 0\.5, or gradient clipping \(a clip norm of 1\)\.$/);
    // The replayed epoch's flow comes with it, for the lab to draw: the epoch's start (0), then after each
    // step before the one that blew up (batch N of the message is step N - 1 from 0).
    const replay = d.replay!;
    const batch = Number(/batch (\d+)/.exec(d.message)![1]);
    expect(replay.epochs[0]).toBe(0);
    expect(replay.epochs.length).toBe(batch);
    expect(replay.epochs.every((e, i) => i === 0 || (e > replay.epochs[i - 1]! && e < 1))).toBe(true);
    expect(replay.layers.map((l) => l.id)).toEqual(layers);
  }, 60_000);

  it('forks a run from a checkpoint (exact replay with unchanged settings), shows a checkpoint, and diffs two projects', async () => {
    const t = getTemplate('x4-relu-hidden');
    const data = { kind: 'builtin' as const, id: 'x4-l-shape', params: {} };
    const p = project(t.graph, { ...t.training, epochs: 30, checkpointEvery: 10 }, 'fork');
    const run = async (req: Parameters<typeof engine.trainStart>[0]) => {
      const c = collect();
      const started = await engine.trainStart(req);
      await c.done;
      c.off();
      return { started, points: c.points, events: c.events, last: (await engine.lastRun({}))! };
    };
    const original = await run({ project: p, data, start: 'fresh', ep: null });
    expect(
      original.events.filter((e) => e.type === 'train-checkpoint').map((e) => (e as { epoch: number }).epoch),
    ).toEqual([10, 20, 30]);
    const trained = {
      ...p,
      weights: original.last.weights,
      runs: [original.last.run],
      checkpoints: original.last.checkpoints,
    };
    // Unchanged settings from epoch 10: the same last 20 epochs and the same weights.
    const replay = await run({ project: trained, data, start: 'continue', ep: null, from: 10 });
    expect(replay.started.message).toBe('Forked from the checkpoint at epoch 10.');
    expect(replay.points.map((q) => q.loss)).toEqual(original.points.slice(10).map((q) => q.loss));
    expect(replay.last.weights).toEqual(original.last.weights);
    // A fork with another learning rate parts from the original after the checkpoint.
    const forked = {
      ...trained,
      training: { ...trained.training, optimizer: { ...trained.training.optimizer, lr: 0.001 } },
    };
    const fork = await run({ project: forked, data, start: 'continue', ep: null, from: 10 });
    expect(fork.points).toHaveLength(20);
    expect(fork.points.at(-1)!.loss).not.toBe(original.points.at(-1)!.loss);
    await expect(engine.trainStart({ project: trained, data, start: 'continue', ep: null, from: 15 })).rejects.toThrow(
      /no checkpoint at epoch 15; it has 10, 20, 30/,
    );
    // The timeline: the model at epoch 10, with its views and the curve up to it.
    const at10 = await engine.restoreRun({ project: trained, data, epoch: 10 });
    expect(at10.views!.grid!.predicted.length).toBe(64 * 64);
    const d = await engine.diffProjects({ a: trained, b: forked });
    expect(d.settings).toEqual([{ key: 'lr', a: trained.training.optimizer.lr, b: 0.001 }]);

    // Graph edits. Another activation (every shape the same): the whole checkpoint, from epoch 10 on.
    const tanh = {
      ...trained,
      graph: {
        ...trained.graph,
        nodes: trained.graph.nodes.map((n) =>
          n.id === 'hidden' ? { ...n, params: { ...n.params, activation: 'tanh' } } : n,
        ),
      },
    };
    const retyped = await run({ project: tanh, data, start: 'continue', ep: null, from: 10 });
    expect(retyped.points.map((q) => q.epoch)).toEqual(original.points.slice(10).map((q) => q.epoch));
    expect(retyped.points.at(-1)!.loss).not.toBe(original.points.at(-1)!.loss);
    expect(retyped.started.message).toBe('Forked from the checkpoint at epoch 10.');
    // A layer inserted: the checkpoint's weights where name and shape still fit, trained from epoch 0.
    const deeper = {
      ...trained,
      graph: {
        ...trained.graph,
        nodes: [
          ...trained.graph.nodes,
          {
            id: 'extra',
            type: 'Dense' as const,
            params: { ...trained.graph.nodes.find((n) => n.id === 'hidden')!.params },
            position: { x: 0, y: 0 },
          },
        ],
        edges: [
          ...trained.graph.edges.filter((e) => !(e.source === 'hidden' && e.target === 'output')),
          { id: 'e-h-x', source: 'hidden', target: 'extra' },
          { id: 'e-x-o', source: 'extra', target: 'output' },
        ],
      },
    };
    const c = collect();
    const started = await engine.trainStart({ project: deeper, data, start: 'continue', ep: null, from: 10 });
    await c.done;
    c.off();
    expect([started.kept, started.total]).toEqual([4, 6]);
    expect(c.points).toHaveLength(30);
    // The status line says what happened: epoch 0, not "forked from epoch 10".
    expect(started.message).toBe(
      "Started from epoch 0 with the weights of the checkpoint at epoch 10 where names and shapes fit (4 of 6 parameters; the others start fresh): the edited network no longer takes the checkpoint's whole state.",
    );
  }, 120_000);

  it("exports a digits run's training script that reads the mnist package's files instead of embedding 10,000 digits", async () => {
    const t = getTemplate('digits');
    const c = collect();
    const data = { kind: 'builtin' as const, id: 'digits', params: { count: 10000, test: 2000 } };
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs: 1 }, t.name),
      data,
      start: 'fresh',
      ep: null,
    });
    await c.done;
    c.off();
    const file = await engine.exportFile('pytorch-train');
    const text = typeof file.data === 'string' ? file.data : new TextDecoder().decode(file.data);
    const line = text.split('\n').find((l) => l.startsWith('DATA = '))!;
    // DATA = json.loads("<the JSON as a string literal>")
    const spec = JSON.parse(JSON.parse(/^DATA = json\.loads\((".*")\)$/.exec(line)![1]!) as string) as object;
    expect(spec).toMatchObject({ kind: 'digits', count: 10000, test: 2000 });
    expect(text.length).toBeLessThan(2 ** 20);
  });

  it("draws the plane in the data file's own units, not the standardised values the network reads", async () => {
    // Two features in the hundreds and the thousandths, and a class that depends on both.
    const rows = ['mass,ratio,label'];
    for (let i = 0; i < 60; i++) {
      const mass = 3000 + ((i * 37) % 60) * 25;
      const ratio = 0.001 + ((i * 11) % 60) * 0.0001;
      rows.push(`${mass},${ratio.toFixed(4)},${mass / 4500 + ratio / 0.004 > 1.5 ? 'big' : 'small'}`);
    }
    const csv = rows.join('\n') + '\n';
    const { uploadId } = await engine.uploadBegin({ fileName: 'units.csv', size: csv.length });
    await engine.uploadChunk({ uploadId, offset: 0, base64: Buffer.from(csv).toString('base64') });
    const r = await engine.openData({ uploadId, target: 'label' });
    const t = getTemplate('x4-relu-hidden');
    const c = collect();
    await engine.trainStart({
      project: project(t.graph, { ...t.training, epochs: 5 }, 'units'),
      start: 'fresh',
      data: {
        kind: 'upload',
        dataId: r.dataId,
        target: 'label',
        features: null,
        scaling: 'standard',
        missing: 'drop',
        validation: 0,
        test: 0,
      },
      ep: null,
    });
    await c.done;
    c.off();
    const v = c.views()!;
    const masses = rows.slice(1).map((l) => Number(l.split(',')[0]));
    const ratios = rows.slice(1).map((l) => Number(l.split(',')[1]));
    // Every point is a row's own values (to six significant digits).
    expect(Math.min(...v.points!.x)).toBeCloseTo(Math.min(...masses), 1);
    expect(Math.max(...v.points!.x)).toBeCloseTo(Math.max(...masses), 1);
    expect(Math.min(...v.points!.y)).toBeCloseTo(Math.min(...ratios), 7);
    expect(Math.max(...v.points!.y)).toBeCloseTo(Math.max(...ratios), 7);
    for (const m of v.points!.x) expect(masses.some((x) => Math.abs(x - m) < 0.01)).toBe(true);
    // The window around them is in the same units, and so is the boundary.
    const [x0, x1, y0, y1] = v.grid!.bounds;
    expect(x0).toBeLessThanOrEqual(3000);
    expect(x1).toBeGreaterThanOrEqual(4475);
    expect(y0).toBeLessThanOrEqual(0.001);
    expect(y1).toBeGreaterThanOrEqual(0.0069);
    for (const line of v.grid!.contours)
      for (let i = 0; i < line.length; i += 2) {
        expect(line[i]!).toBeGreaterThanOrEqual(x0 - 1e-6);
        expect(line[i]!).toBeLessThanOrEqual(x1 + 1e-6);
      }
  });
});
