/** `netwright export`: a project's model in any export format (the same exports the app makes). */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXPORT_DESCRIPTIONS, EXPORT_FORMATS, exportRun, type ExportFormat } from '../../onnx/exports.ts';
import { parseProject, type Project } from '../../project/project.ts';
import { projectSnapshot } from '../../train/session.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

/** Older names of some formats, still accepted. */
const ALIASES: Record<string, ExportFormat> = { json: 'weights-json', metrics: 'metrics-csv' };

const USAGE = `netwright export <project.netwright> --format ${EXPORT_FORMATS.join('|')} --out FILE

Formats:
${EXPORT_FORMATS.map((f) => `  ${f.padEnd(13)}${EXPORT_DESCRIPTIONS[f]}`).join('\n')}

Options:
  --out FILE     where to write (required; the format can be inferred from .onnx, .json, .py, .csv)
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

function inferFormat(out: string): ExportFormat | undefined {
  const ext = path.extname(out).toLowerCase();
  const byExt: Record<string, ExportFormat> = {
    '.onnx': out.toLowerCase().endsWith('.train-step.onnx') ? 'onnx-train' : 'onnx',
    '.json': 'weights-json',
    '.py': 'pytorch',
    '.csv': 'metrics-csv',
  };
  return byExt[ext];
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
      const snapshot = projectSnapshot(project, { untrained: format === 'onnx-train', fileName: path.basename(file) });
      data = exportRun(snapshot, format, { steps }).data;
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
