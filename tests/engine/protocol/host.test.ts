/** The browser host: token and origin checks, static files, and the Api round trip (save, reopen, recovery). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as http from 'node:http';
import { readFileSync } from 'node:fs';
import { MAX_CONNECTIONS, type BrowserHost } from '../../../src-engine/node/host/server.ts';
import { analyzeGraph } from '../../../src-engine/graph/validate.ts';
import type { Project } from '../../../src-engine/project/project.ts';
import { openSocket, request, startTestHost } from './host-fixture.ts';

/** GET a raw request path (fetch and URL would normalise `%` escapes away). */
function statusOfPath(port: number, rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
      .on('error', reject);
  });
}

/** GET / with a chosen Host header (fetch does not let one set it). */
function statusWithHost(port: number, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', headers: { Host: hostHeader } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
      .on('error', reject);
  });
}

let host: BrowserHost;
beforeAll(async () => {
  ({ host } = await startTestHost());
});
afterAll(() => host.close());

describe('browser host', () => {
  it('listens on 127.0.0.1 and serves the renderer with a strict CSP', async () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[\\w-]{32}$`));
    const res = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Netwright</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src ws://127.0.0.1:${host.port}`);
    expect((await fetch(`http://127.0.0.1:${host.port}/..%2f..%2fetc%2fpasswd`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${host.port}/nope.js`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${host.port}/`, { method: 'POST' })).status).toBe(405);
    expect(await statusWithHost(host.port, `evil.example:${host.port}`)).toBe(421);
    expect(await statusWithHost(host.port, `localhost:${host.port}`)).toBe(200);
  });

  it('answers undecodable and hostile paths with 400 or 403 and keeps serving', async () => {
    // Unauthenticated: any page on the machine can make the browser send these (an <img src>).
    for (const bad of ['/%', '/%ff', '/index.html%', '/%c0%ae', '/%E0%A4%A', '/a%', '/%%'])
      expect(await statusOfPath(host.port, bad)).toBe(400);
    expect(await statusOfPath(host.port, '/..%2f..%2fetc%2fpasswd')).toBe(403);
    expect(await statusOfPath(host.port, '/index.html%00.js')).toBe(403);
    // URL parsing folds %2e%2e segments into the root first: the path stays inside the folder.
    expect(await statusOfPath(host.port, '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd')).toBe(404);
    expect(await statusOfPath(host.port, '/')).toBe(200);
    expect(await statusOfPath(host.port, '/index%2Ehtml')).toBe(200);
    const ws = await openSocket(host);
    expect(await request(ws, 1, 'hostInfo', {})).toMatchObject({ ok: true });
    ws.close();
  });

  it('caps the number of open Api sockets and frees a place when one closes', async () => {
    const open: Awaited<ReturnType<typeof openSocket>>[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) open.push(await openSocket(host));
    await expect(openSocket(host)).rejects.toThrow(/503/);
    const first = open.shift()!;
    await new Promise<void>((resolve) => {
      first.once('close', () => resolve());
      first.close();
    });
    // The server notices the close a moment after the client.
    await expect
      .poll(async () =>
        openSocket(host).then(
          (ws) => (open.push(ws), true),
          () => false,
        ),
      )
      .toBe(true);
    for (const ws of open) ws.close();
  });

  it('refuses sockets without the token or from another origin', async () => {
    await expect(openSocket(host, { token: 'wrong' })).rejects.toThrow(/403/);
    await expect(openSocket(host, { token: '' })).rejects.toThrow(/403/);
    await expect(openSocket(host, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    const ok = await openSocket(host, { origin: `http://127.0.0.1:${host.port}` });
    ok.close();
  });

  it('creates, saves, reopens and recovers a project through the Api', async () => {
    const ws = await openSocket(host);
    const info = await request(ws, 1, 'hostInfo', {});
    expect(info.result).toEqual({ kind: 'browser', version: 'test', files: 'upload' });
    const templates = (await request(ws, 2, 'listTemplates', {})).result as { id: string }[];
    expect(templates.length).toBeGreaterThan(0);
    const created = (await request(ws, 3, 'newProject', { templateId: templates[0]!.id })).result as Project;
    expect(created.template).toBe(templates[0]!.id);

    const saved = (await request(ws, 4, 'saveProject', { project: created, saveAs: false, fileName: null })).result as {
      status: string;
      fileName: string;
      text: string;
    };
    expect(saved.status).toBe('download');
    expect(saved.fileName).toMatch(/\.netwright$/);
    const reopened = (await request(ws, 5, 'importProject', { fileName: saved.fileName, text: saved.text })).result as {
      status: string;
      project: Project;
    };
    expect(reopened.status).toBe('opened');
    expect(reopened.project.graph).toEqual(created.graph);
    expect(analyzeGraph(reopened.project.graph).totalParams).toBe(analyzeGraph(created.graph).totalParams);

    expect((await request(ws, 6, 'openProject', {})).result).toEqual({ status: 'unsupported' });
    expect((await request(ws, 7, 'getRecovery', {})).result).toBeNull();
    const auto = await request(ws, 8, 'autosave', { project: { ...created, name: 'Unsaved' }, fileName: null });
    expect(auto.ok).toBe(true);
    const rec = (await request(ws, 9, 'getRecovery', {})).result as { project: Project; savedAt: string };
    expect(rec.project.name).toBe('Unsaved');
    expect(Date.parse(rec.savedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await request(ws, 10, 'clearRecovery', {})).result).toEqual({ cleared: true });
    expect((await request(ws, 11, 'getRecovery', {})).result).toBeNull();
    ws.close();
  });

  it("imports an ONNX model through the Api (File › Import ONNX…): PyTorch's MLP becomes a project with its weights", async () => {
    const ws = await openSocket(host);
    const onnx = (name: string) => readFileSync(`tests/fixtures/onnx/${name}.onnx`).toString('base64');
    const r = await request(ws, 1, 'importOnnx', { fileName: 'mlp.onnx', base64: onnx('torch_relu_softmax') });
    expect(r.ok, r.error?.message).toBe(true);
    const { project } = r.result as { project: Project; notes: string[] };
    expect(project.graph.nodes.map((n) => n.type)).toEqual(['Input', 'Dense', 'Dense', 'Output']);
    expect(Object.keys(project.weights!)).toHaveLength(6);
    // An op Netwright cannot express is refused, naming the op and the node.
    const bad = await request(ws, 2, 'importOnnx', {
      fileName: 'conv.onnx',
      base64: onnx('torch_grouped_conv_refused'),
    });
    expect(bad.ok).toBe(false);
    expect(bad.error!.message).toMatch(/node '[^']+' \(Conv\) is a grouped convolution/);
    ws.close();
  });

  it('keeps recent projects (a copy of each, in the browser host), and Save As proposes the project name', async () => {
    const ws = await openSocket(host);
    const p = (await request(ws, 1, 'newProject', { templateId: null })).result as Project;
    const saved = (await request(ws, 2, 'saveProject', { project: p, saveAs: false, fileName: null })).result as {
      fileName: string;
      text: string;
    };
    expect(saved.fileName).toBe('Untitled.netwright');
    // Renamed, then Save As: the proposed name follows the project; plain Save keeps the file's.
    const renamed = { ...p, name: 'Spirals (deeper)' };
    const as = (await request(ws, 3, 'saveProject', { project: renamed, saveAs: true, fileName: saved.fileName }))
      .result as { fileName: string };
    expect(as.fileName).toBe('Spirals (deeper).netwright');
    const plain = (await request(ws, 4, 'saveProject', { project: renamed, saveAs: false, fileName: 'mine.netwright' }))
      .result as { fileName: string };
    expect(plain.fileName).toBe('mine.netwright');
    const recent = (await request(ws, 5, 'listRecent', {})).result as { id: string; name: string; fileName: string }[];
    expect(recent.slice(0, 3).map((r) => r.fileName)).toEqual([
      'mine.netwright',
      'Spirals (deeper).netwright',
      'Untitled.netwright',
    ]);
    const again = (await request(ws, 6, 'openRecent', { id: recent[1]!.id })).result as {
      status: string;
      project: Project;
      fileName: string;
    };
    expect(again).toMatchObject({ status: 'opened', fileName: 'Spirals (deeper).netwright' });
    expect(again.project.name).toBe('Spirals (deeper)');
    const missing = await request(ws, 7, 'openRecent', { id: '0123456789abcdef' });
    expect(missing).toMatchObject({ ok: false });
    expect(missing.error!.message).toMatch(/no longer in the recent list/);
    ws.close();
  });

  it('answers bad projects with a clear invalid-project error', async () => {
    const ws = await openSocket(host);
    const newer = await request(ws, 1, 'importProject', {
      fileName: 'future.netwright',
      text: JSON.stringify({ format: 'netwright-project', version: 7 }),
    });
    expect(newer).toMatchObject({ ok: false, error: { code: 'invalid-project' } });
    expect(newer.error!.message).toMatch(/future\.netwright was saved by a newer Netwright/);
    const corrupt = await request(ws, 2, 'importProject', {
      fileName: 'cut.netwright',
      text: '{"format":"netwright-proj',
    });
    expect(corrupt.error!.message).toMatch(/cut\.netwright is not a Netwright project: it is not valid JSON/);
    const unknownTemplate = await request(ws, 3, 'newProject', { templateId: 'no-such' });
    expect(unknownTemplate).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: "There is no template 'no-such'." },
    });
    ws.close();
  });
});
