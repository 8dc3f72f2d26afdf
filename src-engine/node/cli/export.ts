/** `netwright export`: a project's model in any export format (the same exports the app makes). */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPORT_DESCRIPTIONS, EXPORT_FORMATS, exportRun, type ExportFormat } from '../../onnx/exports.ts';
import { parseProject, type Project } from '../../project/project.ts';
import { projectSnapshot } from '../../train/session.ts';
import type { TrainingScriptData } from '../../onnx/pytorch-train.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { resolveDatasetRef } from '../resolve-dataset.ts';
import { detectFormat } from '../../data/formats.ts';
import { readHead } from '../data/read.ts';
import { siblingLabels } from '../data/idx-loader.ts';
import { scriptFilesOf } from '../datasets/digits.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

/** Older names of some formats, still accepted. */
const ALIASES: Record<string, ExportFormat> = { json: 'weights-json', metrics: 'metrics-csv' };

const USAGE = `netwright export <project.netwright> --format ${EXPORT_FORMATS.join('|')} --out FILE

Formats:
${EXPORT_FORMATS.map((f) => `  ${f.padEnd(13)}${EXPORT_DESCRIPTIONS[f]}`).join('\n')}

Options:
  --out FILE     where to write (required; the format can be inferred from .onnx, .json, .py, .csv)
  --steps K      onnx-train: mini-batches unrolled per run (default 1)

pytorch-train reads the project's CSV file or IDX pair itself (with the fitted preprocessing, pixel
scaling included), and the built-in digits from the mnist package's files; other data (built-in sets,
other file types) is embedded in the script, up to 16 MiB. An untrained project's script starts
from the seed's weights, as 'netwright train' would; a trained one continues from its weights.`;

/** Load and validate a project file for the export and predict commands. */
export function readProject(file: string): Project {
  if (!existsSync(file)) throw new CliError(`${file}: no such project file.`);
  try {
    return parseProject(readFileSync(file, 'utf8'), path.basename(file));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

function inferFormat(out: string): ExportFormat | undefined {
  const ext = path.extname(out).toLowerCase();
  const byExt: Record<string, ExportFormat> = {
    '.onnx': out.toLowerCase().endsWith('.train-step.onnx') ? 'onnx-train' : 'onnx',
    '.json': 'weights-json',
    '.py': out.toLowerCase().endsWith('.train.py') ? 'pytorch-train' : 'pytorch',
    '.csv': 'metrics-csv',
  };
  return byExt[ext];
}

/**
 * A training script reads the project's CSV file, IDX pair or the built-in digits itself; other data
 * is resolved here and embedded.
 */
async function trainingScriptData(project: Project): Promise<TrainingScriptData> {
  const ref = project.dataset;
  if (ref.kind === 'file' && /\.(csv|tsv|txt)$/i.test(ref.path))
    return { ref: { ...ref, path: path.resolve(ref.path) } };
  if (ref.kind === 'none') return { ref };
  const files = scriptFilesOf(ref);
  if (files) return { ref, files };
  // An IDX pair is read with the project's fitted preprocessing (its pixel scaling): a trained project's.
  if (
    ref.kind === 'file' &&
    project.preprocessing &&
    detectFormat(path.basename(ref.path), await readHead(ref.path)) === 'idx'
  ) {
    const labels = ref.labelsPath ?? (await siblingLabels(ref.path));
    if (labels) return { ref, files: { kind: 'idx', images: path.resolve(ref.path), labels: path.resolve(labels) } };
  }
  const d = await resolveDatasetRef(ref, project.training.seed, undefined, project.preprocessing);
  return {
    ref,
    sets: {
      train: d.train,
      ...(d.validation ? { validation: d.validation } : {}),
      ...(d.test ? { test: d.test } : {}),
    },
  };
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
    const named = values.format ? (ALIASES[values.format] ?? values.format) : inferFormat(values.out);
    if (!named || !(EXPORT_FORMATS as readonly string[]).includes(named))
      throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')} (got '${values.format ?? '(none)'}').`);
    const format = named as ExportFormat;
    const steps = values.steps === undefined ? 1 : Number(values.steps);
    if (!Number.isInteger(steps) || steps < 1 || steps > 256)
      throw new CliError(`--steps must be a whole number from 1 to 256 (got '${values.steps}').`);

    const file = positionals[0]!;
    const project = readProject(file);
    let data: string | Uint8Array;
    try {
      // Untrained projects still export a training step: their starting weights come from the run seed.
      const snapshot = projectSnapshot(project, {
        untrained: format === 'onnx-train' || format === 'pytorch-train',
        fileName: path.basename(file),
      });
      const scriptData = format === 'pytorch-train' ? await trainingScriptData(project) : undefined;
      data = exportRun(snapshot, format, { steps, ...(scriptData ? { data: scriptData } : {}) }).data;
    } catch (e) {
      throw new CliError(
        `${(e as Error).message}${/no trained weights|no epochs/.test((e as Error).message) ? ` (netwright train ${path.basename(file)} --out DIR)` : ''}`,
      );
    }
    await writeFileAtomic(values.out, data);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    io.err(`wrote ${values.out} (${format}, ${(size / 1024).toFixed(1)} KiB)\n`);
    return 0;
  },
};
