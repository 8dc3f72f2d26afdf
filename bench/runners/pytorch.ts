/**
 * PyTorch as a bench runner (where python3 with torch is installed, e.g. Debian's python3-torch):
 * one long-lived Python process (bench/torch_worker.py) that trains each workload from the training
 * script Netwright exports for it, on the same rows, with PyTorch's default threads.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CompiledModel } from '../../src-engine/model/compile.ts';
import { exportPytorchTraining } from '../../src-engine/onnx/pytorch-train.ts';
import { startingWeights } from '../../src-engine/train/session.ts';
import type { Workload } from '../workloads.ts';
import type { Measure, Runner } from './runner.ts';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'torch_worker.py');

type Reply = { ok: boolean; error?: string; rate?: number; torch?: string; threads?: number };

/** A running worker: send a command, await its one-line reply. */
class TorchWorker {
  private readonly replies: ((r: Reply) => void)[] = [];
  private stderr = '';
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => this.replies.shift()?.(JSON.parse(line) as Reply));
    child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-2000)));
    child.on('exit', (code) => {
      for (const r of this.replies.splice(0))
        r({ ok: false, error: `python exited (${code}): ${this.stderr.trim().split('\n').at(-1) ?? ''}` });
    });
  }

  static async start(python: string): Promise<{ worker: TorchWorker; hello: Reply }> {
    const child = spawn(python, [WORKER], { stdio: ['pipe', 'pipe', 'pipe'] });
    const worker = new TorchWorker(child);
    const hello = await new Promise<Reply>((resolve) => {
      worker.replies.push(resolve);
      child.on('error', (e) => resolve({ ok: false, error: e.message }));
    });
    return { worker, hello };
  }

  send(cmd: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve) => {
      this.replies.push(resolve);
      this.child.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  stop(): void {
    this.child.stdin.end();
  }
}

/** The PyTorch runner, or a sentence saying why there is none here. */
export async function pytorchRunner(
  // Debian's python3 (with python3-torch) before whatever python3 comes first on the PATH.
  python = process.env.NETWRIGHT_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'),
): Promise<Runner | string> {
  const { worker, hello } = await TorchWorker.start(python);
  if (!hello.ok || !hello.torch) {
    worker.stop();
    return `PyTorch not run: ${python} with torch is not available (${hello.error ?? 'no torch'}); install python3-torch`;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'netwright-bench-'));
  const threads = hello.threads ?? 1;
  return {
    id: 'pytorch',
    label: `PyTorch ${hello.torch.replace(/a0.*$/, '')} (${threads} thread${threads === 1 ? '' : 's'}, its default)`,
    async prepare(w: Workload): Promise<Measure | null> {
      const graph = w.graph();
      const model = new CompiledModel(graph);
      const data = w.data();
      const script = path.join(dir, `${w.id}.train.py`);
      writeFileSync(
        script,
        exportPytorchTraining({
          name: w.id,
          graph,
          config: w.config,
          weights: startingWeights(model, w.config, 'fresh', null).weights,
          preprocessing: null,
        }),
      );
      const x = path.join(dir, `${w.id}.x.f32`);
      const y = path.join(dir, `${w.id}.y.f32`);
      writeFileSync(x, new Uint8Array(data.x.buffer, data.x.byteOffset, data.rows * data.features * 4));
      writeFileSync(y, new Uint8Array(data.y.buffer, data.y.byteOffset, data.rows * data.targets * 4));
      const loaded = await worker.send({
        cmd: 'load',
        id: w.id,
        script,
        x,
        y,
        rows: data.rows,
        features: data.features,
        targets: data.targets,
        batch: w.config.batchSize || data.rows,
        epochs: w.config.epochs,
        unit: w.unit,
      });
      if (!loaded.ok) throw new Error(`PyTorch could not load ${w.id}: ${loaded.error}`);
      const measure: Measure = async () => {
        const r = await worker.send({ cmd: 'run', id: w.id });
        if (!r.ok || r.rate === undefined) throw new Error(`PyTorch failed on ${w.id}: ${r.error}`);
        return r.rate;
      };
      await measure();
      return measure;
    },
    async close() {
      worker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
