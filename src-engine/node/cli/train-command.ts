/** `netwright train`: train a template, a project, or a network sized to a data file. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ACTIVATIONS, type ActivationName } from '../../graph/catalog.ts';
import { classOf, targetClass } from '../../losses/index.ts';
import {
  PROJECT_FORMAT,
  PROJECT_VERSION,
  parseProject,
  serializeProject,
  type DatasetRef,
  type Project,
  withRun,
} from '../../project/project.ts';
import { weightsFromJson, weightsToJson } from '../../project/weights.ts';
import { safeFileName } from '../../protocol/file-name.ts';
import { graphForData } from '../../train/auto-graph.ts';
import type { TrainBackend } from '../../train/backend.ts';
import { BACKENDS, makeTrainConfig, OPTIMIZERS, type BackendName, type TrainConfig } from '../../train/config.ts';
import { checkpointFromJson, checkpointToJson, TrainingSession, type SessionDeps } from '../../train/session.ts';
import type { Checkpoint, TrainEvent } from '../../train/trainer.ts';
import { explainDivergence, probeFor } from '../../lab/flow.ts';
import { getTemplate, newProject, TEMPLATE_COMPARISONS, type TemplateComparison } from '../../train/templates.ts';
import { analyzeGraph } from '../../graph/validate.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { CompiledModel } from '../../model/compile.ts';
import { checkParamCount, type Limits } from '../../limits.ts';
import { flagLimits, LIMIT_OPTIONS, limitUsage } from '../limits.ts';
import { PIXEL_SCALINGS, type PixelScaling } from '../../data/preprocess.ts';
import {
  type FileReadOptions,
  loadFileData,
  loadTestData,
  parseColumnTypes,
  parseDelimiter,
  resolveDatasetRef,
  type ResolvedData,
} from '../resolve-dataset.ts';
import { ProgressBar } from './progress.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright train <template|comparison|project.netwright> [options]
netwright train --data FILE --target COLUMN [--hidden 32,16] [--activation relu] [--test-split 0.2]

Options:
  --data FILE          train on a local file (CSV, TSV, JSON, NPY/NPZ, IDX, image folder or a zip of one)
  --target COLUMN      the column to predict (with --data)
  --labels FILE        IDX labels file paired with an IDX images --data file
  --test-data FILE     a separate test set (e.g. MNIST's t10k files); reports test_accuracy on it
  --test-labels FILE   IDX labels file paired with --test-data
  --pixels unit|channel  image pixels ÷255 (default) or standardised per channel (with --data)
  --hidden 32,16       hidden layer sizes when no template/project is given (default 32,16)
  --activation NAME    hidden activation when no template/project is given (default relu)
  --test-split F       hold out this fraction as a test set (default 0.2 with --data alone)
  --scaling MODE       numeric features: standard (default), minmax or none; a project keeps its own
  --delimiter D        CSV field delimiter: comma, semicolon or tab (default: detected)
  --column-types T     column types over the inferred ones: name=categorical,other=text (numeric, categorical,
                       boolean, text)
  --dataset-params P   a built-in dataset's parameters, as the Data panel's sliders set them: n=800,noise=0.2
  --validation F       hold out this share of a built-in dataset's points for validation (the panel's "held out")
  --epochs N  --batch N (0 = full batch)  --lr X  --optimizer NAME  --seed N
  --backend auto|ts|ort  training engine (default: the project's, auto: the faster one for the network)
  --ep cpu|webgpu|cuda   execution provider for ort
  --threads N          cores for ort; on the CPU, 2 or more split each mini-batch of a convolutional
                       network between that many cores (not with batch norm, nor under 16 rows a core).
                       Default: every core (at most 4) where that split applies, else cores - 1
  --fresh              start from the seed's weights (default: a trained project continues from its weights)
  --checkpoint-every N keep a checkpoint every N epochs in the project (weights, optimizer and generator state)
  --resume-from EPOCH  continue the project's run from its checkpoint at EPOCH to --epochs (bit-identical replay)
  --out PATH           write the trained project to PATH: a .netwright file, or a folder
                       (it gets <template or name>.netwright)
  --json               print one JSON object with the final metrics instead of progress

Limits:
${limitUsage()}`;

interface Loaded {
  project: Project;
  data: ResolvedData;
}

function num(name: string, v: string | undefined, int: boolean): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || (int && !Number.isInteger(x)))
    throw new CliError(`--${name} must be ${int ? 'a whole number' : 'a number'} (got '${v}').`);
  return x;
}

/** The project (template, file, or a network sized to --data) and its data, as train and step read them. */
export async function loadSubject(
  target: string | undefined,
  values: Record<string, string | boolean | undefined>,
  limits: Limits,
): Promise<Loaded> {
  const dataPath = values.data as string | undefined;
  const seed = num('seed', values.seed as string | undefined, true) ?? 1;
  let project: Project;
  if (target && (existsSync(target) || /\.(json|netwright)$/i.test(target))) {
    if (!existsSync(target)) throw new CliError(`${target}: no such project file.`);
    try {
      project = parseProject(readFileSync(target, 'utf8'), path.basename(target));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else if (target) {
    let t;
    try {
      t = getTemplate(target);
    } catch (e) {
      throw new CliError(`${(e as Error).message} (or give a project file path).`);
    }
    project = newProject(t.id);
  } else if (!dataPath) {
    throw new CliError(
      'Say what to train: a template id (see `netwright templates`), a project file, or --data FILE --target COLUMN.',
    );
  } else {
    project = {
      format: PROJECT_FORMAT,
      version: PROJECT_VERSION,
      name: path.basename(dataPath),
      graph: { format: 'netwright-graph', version: 1, nodes: [], edges: [] },
      dataset: { kind: 'none' },
      training: makeTrainConfig({ epochs: 50, batchSize: 32, optimizer: { name: 'adam', lr: 0.01 }, seed }),
      runs: [],
    };
  }

  let data: ResolvedData;
  const scaling = values.scaling as 'standard' | 'minmax' | 'none' | undefined;
  if (scaling !== undefined && !['standard', 'minmax', 'none'].includes(scaling))
    throw new CliError(`--scaling must be standard, minmax or none (got '${scaling}').`);
  if (dataPath) {
    let read: FileReadOptions;
    try {
      read = {
        ...(values.delimiter !== undefined
          ? { delimiter: parseDelimiter(String(values.delimiter), '--delimiter') }
          : {}),
        ...(values['column-types'] !== undefined
          ? { columnTypes: parseColumnTypes(String(values['column-types']), '--column-types') }
          : {}),
      };
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const testSplit =
      num('test-split', values['test-split'] as string | undefined, false) ?? (target || values['test-data'] ? 0 : 0.2);
    if (testSplit < 0 || testSplit >= 1) throw new CliError(`--test-split must be in [0, 1) (got ${testSplit}).`);
    const pixels = values.pixels as string | undefined;
    if (pixels !== undefined && !(PIXEL_SCALINGS as readonly string[]).includes(pixels))
      throw new CliError(`--pixels must be one of ${PIXEL_SCALINGS.join(', ')} (got '${pixels}').`);
    try {
      data = await loadFileData(dataPath, {
        read,
        load: { limits },
        ...(values.target ? { target: values.target as string } : {}),
        ...(values.labels ? { labelsPath: values.labels as string } : {}),
        ...(pixels ? { pixels: pixels as PixelScaling } : {}),
        testSplit,
        seed,
        ...(scaling ? { prepare: { scaling } } : {}),
      });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const ref: DatasetRef = {
      kind: 'file',
      path: path.resolve(dataPath),
      ...(values.target ? { target: values.target as string } : {}),
      ...(values.labels ? { labelsPath: path.resolve(values.labels as string) } : {}),
      // Kept in the project so that later runs read the file the same way.
      options: { ...read },
    };
    project = { ...project, dataset: ref, preprocessing: data.preprocessing };
    if (!target) {
      const hidden = String(values.hidden ?? '32,16')
        .split(',')
        .filter(Boolean)
        .map((s) => {
          const h = Number(s);
          if (!Number.isInteger(h) || h < 1)
            throw new CliError(`--hidden takes layer sizes like 32,16 (got '${String(values.hidden)}').`);
          return h;
        });
      const act = String(values.activation ?? 'relu');
      if (!(ACTIVATIONS as readonly string[]).includes(act) || act === 'softmax' || act === 'step')
        throw new CliError(
          `--activation must be one of ${ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'step').join(', ')} (got '${act}').`,
        );
      project = { ...project, graph: graphForData(data.train, hidden, act as ActivationName) };
    }
  } else {
    const given = values['dataset-params'];
    if (given !== undefined) {
      if (project.dataset.kind !== 'builtin')
        throw new CliError('--dataset-params sets the parameters of a built-in dataset; this project has none.');
      project = {
        ...project,
        dataset: { ...project.dataset, params: { ...project.dataset.params, ...parseDatasetParams(String(given)) } },
      };
    }
    try {
      // A file is read as the project was trained (its scaling, missing-value rule and features).
      data = await resolveDatasetRef(
        project.dataset,
        seed,
        { limits },
        project.preprocessing,
        scaling ? { scaling } : undefined,
      );
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  const testPath = values['test-data'] as string | undefined;
  if (values['test-labels'] && !testPath) throw new CliError('--test-labels goes with --test-data FILE.');
  if (testPath) {
    try {
      const test = await loadTestData(testPath, data, {
        ...(values['test-labels'] ? { labelsPath: values['test-labels'] as string } : {}),
      });
      data = { ...data, test, summary: `${data.summary}; test set ${path.basename(testPath)}: ${test.rows} rows` };
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  return { project, data };
}

/** `n=800,noise=0.2` as numbers by name (the range of each is checked by the dataset). */
function parseDatasetParams(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter((p) => p.trim() !== '')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(\S+)\s*$/.exec(part);
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v))
      throw new CliError(`--dataset-params takes name=number pairs like n=800,noise=0.2 (got '${part}').`);
    out[m[1]!] = v;
  }
  return out;
}

/** The project's training settings with the command line's overrides, validated. */
export function applyOverrides(cfg: TrainConfig, values: Record<string, string | boolean | undefined>): TrainConfig {
  const epochs = num('epochs', values.epochs as string | undefined, true);
  const batch = num('batch', values.batch as string | undefined, true);
  const lr = num('lr', values.lr as string | undefined, false);
  const seed = num('seed', values.seed as string | undefined, true);
  const checkpointEvery = num('checkpoint-every', values['checkpoint-every'] as string | undefined, true);
  const validation = num('validation', values.validation as string | undefined, false);
  const optimizer = values.optimizer as string | undefined;
  if (optimizer !== undefined && !(OPTIMIZERS as readonly string[]).includes(optimizer))
    throw new CliError(`--optimizer must be one of ${OPTIMIZERS.join(', ')} (got '${optimizer}').`);
  const next = {
    ...cfg,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(batch !== undefined ? { batchSize: batch } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    ...(validation !== undefined ? { validationSplit: validation } : {}),
    optimizer: { ...cfg.optimizer, ...(lr !== undefined ? { lr } : {}), ...(optimizer ? { name: optimizer } : {}) },
  };
  try {
    return makeTrainConfig(next);
  } catch (e) {
    const issues = (e as { issues?: { path: unknown[]; message: string }[] }).issues;
    throw new CliError(
      `Invalid training setting: ${issues ? issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message}`,
    );
  }
}

function fmtMetrics(m: Record<string, number | undefined>): string {
  return Object.entries(m)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k} ${Math.abs(v!) >= 1000 || Number.isInteger(v) ? Math.round(v!) : v!.toPrecision(4)}`)
    .join('  ');
}

/** The ONNX Runtime backend, loaded at run time so the CLI works in builds without it. */
async function ortFactory(threads?: number): Promise<NonNullable<SessionDeps['createBackend']>> {
  const ortModule = '../ort/index.ts';
  const mod: unknown = await import(ortModule).catch(() => null);
  const factory = (mod as { createOrtBackend?: unknown } | null)?.createOrtBackend;
  if (typeof factory !== 'function') throw new CliError('The ONNX Runtime backend is not available in this build.');
  return ({ model, config, weights, ep }) =>
    (factory as (o: Record<string, unknown>) => Promise<TrainBackend & { providerNote?: string }>)({
      graph: model,
      config,
      ep,
      weights,
      // No page to keep a core free for: a convolutional network splits its batches over every core.
      allCores: true,
      ...(threads !== undefined ? { threads } : {}),
    });
}

/**
 * Train every template of a comparison with the same options, one after the other, and print their
 * parameters and final metrics side by side (one JSON object with --json).
 */
async function runComparison(
  c: TemplateComparison,
  argv: string[],
  io: Parameters<CliCommand['run']>[1],
): Promise<number> {
  const json = argv.includes('--json');
  const rows: Record<string, unknown>[] = [];
  for (const id of c.members) {
    let text = '';
    if (!json) io.err(`training ${id}\n`);
    const code = await command.run([id, ...argv.filter((a) => a !== '--json'), '--json'], {
      ...io,
      out: (t) => (text += t),
      err: (t) => (json ? undefined : io.err(t)),
    });
    if (code !== 0) return code;
    const m = JSON.parse(text) as Record<string, number>;
    rows.push({
      template: id,
      parameters: analyzeGraph(getTemplate(id).graph).totalParams,
      test_accuracy: m.test_accuracy,
      test_loss: m.test_loss,
      epochs: m.epochs,
      samples_per_s: m.samples_per_s,
    });
  }
  if (json) {
    io.out(JSON.stringify({ comparison: c.id, models: rows }) + '\n');
    return 0;
  }
  const cols = ['template', 'parameters', 'test_accuracy', 'test_loss', 'epochs', 'samples_per_s'];
  const cell = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4)) : String(v ?? '-');
  const widths = cols.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => (i ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  io.out(`${c.name}\n${line(cols)}\n${rows.map((r) => line(cols.map((k) => cell(r[k])))).join('\n')}\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'train',
  summary: 'Train a template, a project or a network sized to your data',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('train', argv, {
      data: { type: 'string' },
      target: { type: 'string' },
      labels: { type: 'string' },
      'test-data': { type: 'string' },
      'test-labels': { type: 'string' },
      pixels: { type: 'string' },
      hidden: { type: 'string' },
      activation: { type: 'string' },
      'test-split': { type: 'string' },
      'dataset-params': { type: 'string' },
      validation: { type: 'string' },
      scaling: { type: 'string' },
      delimiter: { type: 'string' },
      'column-types': { type: 'string' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      optimizer: { type: 'string' },
      seed: { type: 'string' },
      fresh: { type: 'boolean' },
      'checkpoint-every': { type: 'string' },
      'resume-from': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      backend: { type: 'string' },
      ep: { type: 'string' },
      threads: { type: 'string' },
      ...LIMIT_OPTIONS,
    });
    if (positionals.length > 1)
      throw new CliError(`train takes one template or project, got ${positionals.length}: ${positionals.join(' ')}.`);
    const comparison = TEMPLATE_COMPARISONS.find((c) => c.id === positionals[0]);
    if (comparison) {
      if (values.out)
        throw new CliError('--out writes one project; train the templates of a comparison one by one to keep them.');
      return runComparison(
        comparison,
        argv.filter((a) => a !== comparison.id),
        io,
      );
    }
    const json = Boolean(values.json);
    // Said before training, not after it: a file name that is not a project's.
    if (values.out && /\.(json|onnx|csv|tsv|py|txt|npy|npz|pt|pth)$/i.test(values.out))
      throw new CliError(
        `--out ${values.out}: a trained project is written as a .netwright file; give a path ending in .netwright, or a folder. To export it as ${path.extname(values.out).slice(1).toUpperCase()}, use 'netwright export' on the project.`,
      );
    let limits: Limits;
    try {
      limits = flagLimits(values);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const threads = num('threads', values.threads as string | undefined, true);
    if (threads !== undefined && (threads < 1 || threads > 64))
      throw new CliError(`--threads must be between 1 and 64 (got ${threads}).`);
    const { project: loaded, data } = await loadSubject(positionals[0], values, limits);
    const backendName = (values.backend as string | undefined) ?? loaded.training.backend;
    if (!(BACKENDS as readonly string[]).includes(backendName))
      throw new CliError(`--backend must be ${BACKENDS.join(', ')} (got '${backendName}').`);
    const config = applyOverrides({ ...loaded.training, backend: backendName as BackendName }, values);
    const project: Project = { ...loaded, training: config };
    if (!json) io.err(`data: ${data.summary}\n`);

    let resume: Checkpoint | undefined;
    const resumeFrom = num('resume-from', values['resume-from'] as string | undefined, true);
    if (resumeFrom !== undefined) {
      const kept = project.checkpoints ?? [];
      const found = kept.find((c) => c.epoch === resumeFrom);
      if (!found)
        throw new CliError(
          kept.length
            ? `The project has no checkpoint at epoch ${resumeFrom}; it has ${kept.map((c) => c.epoch).join(', ')}.`
            : 'The project has no checkpoints: train it with --checkpoint-every N --out DIR first.',
        );
      try {
        resume = checkpointFromJson(found, project.graph);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }
    let session: TrainingSession;
    try {
      const model = new CompiledModel(project.graph);
      checkParamCount(model.forward.params, limits.maxParams);
      session = await TrainingSession.start(
        {
          ...(config.backend === 'ort' ? { createBackend: await ortFactory(threads) } : {}),
          // 'auto' trains on the TypeScript engine in a build without ONNX Runtime.
          ...(config.backend === 'auto' ? { createBackend: await ortFactory(threads).catch(() => undefined) } : {}),
          now: () => performance.now(),
        },
        {
          graph: project.graph,
          model,
          config,
          name: project.name,
          data,
          // A trained project continues from its weights unless --fresh.
          start: values.fresh ? 'fresh' : 'continue',
          weights: project.weights ? weightsFromJson(project.weights, project.graph) : null,
          ep: (values.ep as string | undefined) ?? 'cpu',
          maxParams: limits.maxParams,
          ...(resume ? { resume } : {}),
          // A divergence is replayed from its epoch's start to say which layer blew up (not with
          // --json, which prints no explanation: no state kept every epoch for nothing).
          keepEpochStart: !json,
        },
      );
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError((e as Error).message);
    }
    if (!json) io.err(`${session.backendNote}\n`);
    if (!json && resume) io.err(`resuming the run from its checkpoint at epoch ${resume.epoch}\n`);
    else if (!json && project.weights && !values.fresh)
      io.err(
        `continuing from the project's weights (${session.kept} of ${session.total} parameters; --fresh starts over)\n`,
      );
    const bar = json ? null : new ProgressBar(io, config.epochs);
    let message = '';
    // Set in the callback (TypeScript cannot see that), explained after the run.
    let diverged = null as Extract<TrainEvent, { type: 'diverged' }> | null;
    const done = await session.runToEnd((e) => {
      if (e.type === 'epoch') {
        bar?.update(
          e.epoch + 1,
          `epoch ${e.epoch + 1}/${config.epochs}  ${fmtMetrics({ loss: e.metrics.loss, acc: e.metrics.accuracy, r2: e.metrics.r2, val_loss: e.metrics.val_loss, val_acc: e.metrics.val_accuracy })}`,
          e.epoch + 1 === config.epochs,
        );
      } else if (e.type === 'diverged') diverged = e;
      else if (e.type === 'early_stop') message = e.message;
    });
    bar?.finish();
    if (diverged && !json) {
      const { graph, config: ran } = session.snapshot;
      const train = session.trainer.train;
      const { epochStart, batch } = diverged;
      const why = await explainDivergence({
        graph,
        config: ran,
        train,
        epochStart,
        batch,
        probe: probeFor(graph, ran, train),
      });
      message = `${diverged.message} ${why.advice ?? diverged.advice}`;
    }
    if (message && !json) io.err(`${message}\n`);

    const record = session.record();
    const final = record.final ?? {};
    const trained: Project = {
      ...project,
      weights: weightsToJson(session.snapshot.weights),
      ...(data.preprocessing ? { preprocessing: data.preprocessing } : {}),
      runs: withRun(project.runs, record),
      checkpoints: session.snapshot.checkpoints.map((c) => checkpointToJson(c, record.id)),
    };
    let outFile: string | undefined;
    if (values.out) {
      outFile = /\.netwright$/i.test(values.out)
        ? values.out
        : path.join(
            values.out,
            `${safeFileName(project.template ?? path.basename(String(project.name)).replace(/\.[^.]+$/, ''), 'project')}.netwright`,
          );
      await writeFileAtomic(outFile, serializeProject(trained));
    }

    if (json) {
      const result: Record<string, unknown> = {
        ...final,
        epochs: done.epochs,
        samples_per_s: Math.round(done.samplesPerSec),
        stop_reason: done.reason,
        backend: session.trainer.backend.name,
        backend_reason: session.backend.reason,
      };
      if (message) result.message = message;
      if (data.train.task !== 'regression') {
        const rows = Math.min(10, data.train.rows);
        const T = data.train.targets;
        const pred = await session.predict(data.train.x.subarray(0, rows * data.train.features), rows);
        const decision = session.model.forward.decision;
        result.predictions = Array.from({ length: rows }, (_, r) => {
          const target = targetClass(data.train.y, r, T);
          const predicted = classOf(pred, r, T, decision);
          return {
            target: data.train.classNames?.[target] ?? target,
            predicted: data.train.classNames?.[predicted] ?? predicted,
            output: Array.from({ length: T }, (_, j) => Number(Number(pred[r * T + j]!).toPrecision(6))),
          };
        });
      }
      if (outFile) result.project = outFile;
      io.out(JSON.stringify(result) + '\n');
    } else {
      io.out(
        `${done.reason === 'completed' ? 'done' : done.reason}: ${done.epochs} epochs, ${Math.round(done.samplesPerSec).toLocaleString('en-US')} samples/s  ${fmtMetrics(final)}\n`,
      );
      if (outFile) io.out(`project written to ${outFile}\n`);
    }
    return done.reason === 'diverged' ? 3 : 0;
  },
};
