/** Training over the browser host's WebSocket: events reach the socket, exports come back as downloads, bad requests name their field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { BrowserHost } from '../../../src-engine/node/host/server.ts';
import { makeTrainConfig, type TrainConfig } from '../../../src-engine/train/config.ts';
import { getTemplate, newProject } from '../../../src-engine/train/templates.ts';
import { openSocket, request, startTestHost } from './host-fixture.ts';

let host: BrowserHost;
let ws: WebSocket;

beforeAll(async () => {
  ({ host } = await startTestHost());
  ws = await openSocket(host);
});
afterAll(async () => {
  ws.close();
  await host.close();
});

describe('training through the browser host', () => {
  it('streams events to the socket and exports the run as a base64 download', async () => {
    // The test host runs the engine inline: its events reach the socket through the same emit as the app's.
    const t = getTemplate('x4-relu-hidden');
    const events: { type: string }[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.event) events.push(m.event);
        if (m.event?.type === 'train' && m.event.event.type === 'done') resolve();
      });
    });
    const r = await request(ws, 1, 'trainStart', {
      project: { ...newProject(null), name: 'X4 test', graph: t.graph, training: { ...t.training, epochs: 40 } },
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      start: 'fresh',
      ep: null,
    });
    expect(r.ok).toBe(true);
    await done;
    expect(events.some((e) => e.type === 'train-progress')).toBe(true);
    expect(events.some((e) => e.type === 'train-views')).toBe(true);
    const x = await request(ws, 2, 'exportModel', { format: 'onnx' });
    expect(x.ok).toBe(true);
    const res = x.result as { status: string; fileName: string; base64: string; mime: string };
    expect(res).toMatchObject({ status: 'download', fileName: 'X4 test.onnx', mime: 'application/octet-stream' });
    expect(Buffer.from(res.base64, 'base64').byteLength).toBeGreaterThan(100);
    const last = (await request(ws, 3, 'lastRun', {})).result as { run: { epochs: unknown[] }; training: TrainConfig };
    expect(last.run.epochs).toHaveLength(40);
    // The run's settings come back as the typed document the project keeps.
    expect(last.training).toEqual(makeTrainConfig({ ...t.training, epochs: 40 }));
  });

  it('refuses bad training requests, naming the field', async () => {
    const project = { ...newProject(null), graph: getTemplate('x4-relu-hidden').graph };
    const bad = await request(ws, 10, 'trainStart', {
      project,
      data: { kind: 'upload', dataId: 'x' },
      start: 'fresh',
      ep: null,
    });
    expect(bad.ok).toBe(false);
    expect(bad.error!.code).toBe('bad-request');
    expect(bad.error!.message).toMatch(/data\.target/);
    // A damaged project is refused with the project reader's sentence, naming the field.
    const broken = await request(ws, 13, 'trainStart', {
      project: { ...project, training: { ...project.training, optimizer: { name: 'adam', lr: -1 } } },
      data: { kind: 'builtin', id: 'x4-l-shape', params: {} },
      start: 'fresh',
      ep: null,
    });
    expect(broken.error!.code).toBe('invalid-project');
    expect(broken.error!.message).toMatch(/training\.optimizer\.lr/);
    const ctl = await request(ws, 11, 'trainControl', { action: 'rewind' });
    expect(ctl.error!.message).toMatch(/^Bad request to trainControl: action/);
    const ex = await request(ws, 12, 'exportModel', { format: 'keras' });
    expect(ex.error!.code).toBe('bad-request');
  });
});
