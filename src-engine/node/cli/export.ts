/** `netwright export`: a trained project as ONNX (deployment or training step), JSON weights or PyTorch code. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildForward } from '../../backprop/model.ts';
import type { Preprocessing } from '../../data/preprocess.ts';
import { exportModel } from '../../onnx/exports.ts';
import { parseProject, type Project } from '../../project/project.ts';
import { weightsFromJson } from '../../project/weights.ts';
import type { WeightSet } from '../../train/backend.ts';
import { SeededRng } from '../../train/rng.ts';
import { initWeights } from '../../train/ts-backend.ts';
import { metricsCsv } from '../../train/metrics-csv.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const FORMATS = ['onnx', 'onnx-train', 'json', 'pytorch', 'metrics'] as const;
type Format = (typeof FORMATS)[number];

const USAGE = `netwright export <project.netwright> --format onnx|onnx-train|json|pytorch|metrics --out FILE

Formats:
  onnx         deployment model: raw features in (numeric scaling baked in), probabilities and
               label out for classifiers, values for regression; metadata names features and classes
  onnx-train   the training step itself (forward, loss, gradients, optimizer update) as an ONNX graph
               any ONNX Runtime can run; parameters and optimizer state are inputs (defaulting to the
               project's weights) and next.<name> outputs
  json         graph, weights and preprocessing as one JSON document
  pytorch      a Python file defining the network as a torch.nn.Module, with the weights

Options:
  --out FILE     where to write (required; the format can be inferred from .onnx, .json, .py)
  --steps K      onnx-train: mini-batches unrolled per run (default 1)`;

/** Load and validate a project file for the export and predict commands. */
export function readProject(file: string): Project {
  if (!existsSync(file)) throw new CliError(`${file}: no such project file.`);
  try {
    return parseProject(readFileSync(file, 'utf8'), path.basename(file));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** The project's trained weights, or a CliError saying it has none. */
export function projectWeights(project: Project, file: string): WeightSet {
  if (!project.weights)
    throw new CliError(
      `${path.basename(file)} has no trained weights yet: train it first (netwright train ${path.basename(file)} --out DIR).`,
    );
  try {
    return weightsFromJson(project.weights, project.graph);
  } catch (e) {
    throw new CliError(`${path.basename(file)}: ${(e as Error).message}`);
  }
}

/** The project's fitted preprocessing when it looks like one (older projects may have none). */
export function projectPreprocessing(project: Project): Preprocessing | null {
  const p = project.preprocessing as Partial<Preprocessing> | undefined;
  return p && Array.isArray(p.inputs) && Array.isArray(p.featureNames) && p.target ? (p as Preprocessing) : null;
}

function inferFormat(out: string): Format | undefined {
  const ext = path.extname(out).toLowerCase();
  return ext === '.onnx'
    ? 'onnx'
    : ext === '.json'
      ? 'json'
      : ext === '.py'
        ? 'pytorch'
        : ext === '.csv'
          ? 'metrics'
          : undefined;
}

export const command: CliCommand = {
  name: 'export',
  summary: 'Export a trained project as ONNX, a training-step ONNX, JSON weights, PyTorch code or metrics CSV',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('export', argv, {
      format: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new CliError(`export takes one project file (got ${positionals.length}). See 'netwright export --help'.`);
    if (!values.out) throw new CliError('Say where to write with --out FILE.');
    const format = (values.format ?? inferFormat(values.out)) as Format | undefined;
    if (!format || !(FORMATS as readonly string[]).includes(format))
      throw new CliError(`--format must be one of ${FORMATS.join(', ')} (got '${values.format ?? '(none)'}').`);
    const steps = values.steps === undefined ? 1 : Number(values.steps);
    if (!Number.isInteger(steps) || steps < 1 || steps > 256)
      throw new CliError(`--steps must be a whole number from 1 to 256 (got '${values.steps}').`);

    const file = positionals[0]!;
    const project = readProject(file);
    const pre = projectPreprocessing(project);
    let data: string | Uint8Array;
    if (format === 'metrics') {
      const last = project.runs.at(-1);
      if (!last)
        throw new CliError(
          `${path.basename(file)} has no training runs yet: train it first (netwright train ${path.basename(file)} --out DIR).`,
        );
      data = metricsCsv(last.epochs);
    } else {
      try {
        // Untrained projects still export a training step: their starting weights come from the run seed.
        const weights =
          format === 'onnx-train' && !project.weights
            ? initWeights(buildForward(project.graph, { training: true }).params, new SeededRng(project.training.seed))
            : projectWeights(project, file);
        const last = project.runs.at(-1);
        const summary = last
          ? {
              run: last.id,
              startedAt: last.startedAt,
              epochs: last.epochs.length,
              final: last.final ?? null,
              stopReason: last.stopReason ?? null,
              optimizer: project.training.optimizer.name,
            }
          : undefined;
        data = exportModel(format === 'json' ? 'weights-json' : format, {
          graph: project.graph,
          weights,
          config: project.training,
          preprocessing: pre,
          name: project.name,
          steps,
          ...(summary ? { summary } : {}),
        }).data;
      } catch (e) {
        if (e instanceof CliError) throw e;
        throw new CliError(`${path.basename(file)}: ${(e as Error).message}`);
      }
    }
    await writeFileAtomic(values.out, data);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    io.err(`wrote ${values.out} (${format}, ${(size / 1024).toFixed(1)} KiB)\n`);
    return 0;
  },
};
