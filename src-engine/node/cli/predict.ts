/** `netwright predict`: predictions of an .onnx model or a trained project for the rows of a data file, as CSV. */
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { applyPreprocessing, cellKey, type Preprocessing } from '../../data/preprocess.ts';
import type { ModelInputSpec } from '../../onnx/bake-preprocessing.ts';
import { targetScaleOf, toTargetUnits } from '../../data/target-scale.ts';
import { cellValue, findColumn, type RawTable } from '../../data/table.ts';
import { exportTask, META, type ExportTask } from '../../onnx/export-model.ts';
import { readOnnx, OnnxFormatError } from '../../onnx/read-model.ts';
import { classify } from '../../losses/index.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { loadTable } from '../data/load-table.ts';
import { flagLimits, LIMIT_OPTIONS, limitUsage } from '../limits.ts';
import { createSession, loadOrt, type Ort, type OrtTensor } from '../ort/runtime.ts';
import { readProject } from './export.ts';
import { projectSnapshot } from '../../train/session.ts';
import { CompiledModel } from '../../model/compile.ts';
import { ForwardEvaluator } from '../../views/source.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright predict <model.onnx|project.netwright> --data FILE [--out FILE]

Reads the rows of FILE (CSV, TSV, JSON, NPY, ...), prepares them as in training and writes one CSV
line of predictions per row: the predicted class and each class's probability for classifiers, the
predicted values for regression. Columns are matched by name (a model's feature_names metadata or a
project's preprocessing); without names, every numeric column is used in order.

Options:
  --data FILE    rows to predict (required)
  --out FILE     write the CSV here instead of standard output

Limits:
${limitUsage()}`;

/** The network's input matrix for a table: by the model's feature names, else every numeric column. */
function inputMatrix(table: RawTable, pre: Preprocessing | null, names: string[] | null, width: number): Float32Array {
  if (pre) return applyPreprocessing(pre, table);
  const cols = names
    ? names.map((n) => {
        const c = table.columns.find((col) => col.name === n);
        if (!c)
          throw new CliError(
            `${table.name}: the model needs a column named '${n}' (its features are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}).`,
          );
        return c;
      })
    : table.columns.filter((c) => c.kind === 'numeric');
  if (cols.length !== width)
    throw new CliError(
      `${table.name}: the model takes ${width} features but the file has ${cols.length} numeric column${cols.length === 1 ? '' : 's'} (${cols
        .slice(0, 8)
        .map((c) => c.name)
        .join(', ')}).`,
    );
  const x = new Float32Array(table.rows * width);
  cols.forEach((c, j) => {
    if (c.kind !== 'numeric')
      throw new CliError(`${table.name}: column '${c.name}' holds text; the model needs numbers there.`);
    for (let r = 0; r < table.rows; r++) x[r * width + j] = c.values[r]!;
  });
  return x;
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of predictions [rows, T]: label + probabilities for classifiers, values for regression. */
function predictionsCsv(
  pred: ArrayLike<number>,
  rows: number,
  T: number,
  task: ExportTask,
  classNames: string[] | null,
  targetNames: string[] | null,
  labels: ArrayLike<number> | null,
): string {
  for (let i = 0; i < rows * T; i++)
    if (!Number.isFinite(pred[i]!))
      throw new CliError(
        `the model's output for row ${Math.floor(i / T) + 1} is ${pred[i]}: its weights are not finite or the row's values overflow float32; no predictions were written.`,
        1,
      );
  const lines: string[] = [];
  if (task === 'regression' || !labels) {
    lines.push(
      (targetNames && targetNames.length === T
        ? targetNames
        : Array.from({ length: T }, (_, j) => (T === 1 ? 'prediction' : `prediction_${j}`))
      )
        .map(csvCell)
        .join(','),
    );
    for (let r = 0; r < rows; r++) lines.push(Array.from({ length: T }, (_, j) => fmt(pred[r * T + j]!)).join(','));
  } else {
    const names = classNames ?? Array.from({ length: Math.max(T, 2) }, (_, j) => String(j));
    const probs = T === 1 ? [`p_${names[1] ?? '1'}`] : names.map((n) => `p_${n}`);
    lines.push(['label', ...probs].map(csvCell).join(','));
    for (let r = 0; r < rows; r++) {
      const label = Number(labels[r]!);
      lines.push(
        [csvCell(names[label] ?? String(label)), ...Array.from({ length: T }, (_, j) => fmt(pred[r * T + j]!))].join(
          ',',
        ),
      );
    }
  }
  return lines.join('\n') + '\n';
}

const fmt = (v: number) => String(Math.fround(v));

/** CSV of every output of a model from another tool, columns named after its outputs (and classes). */
function outputsCsv(
  outputs: Record<string, OrtTensor>,
  order: readonly string[],
  rows: number,
  classNames: string[] | null,
): string {
  const cols: { name: string; read: (r: number) => string }[] = [];
  for (const name of order) {
    const t = outputs[name]!;
    const width = t.dims.length > 1 ? t.dims.slice(1).reduce((a, b) => a * Number(b), 1) : 1;
    const data = t.data as ArrayLike<number | bigint | string>;
    for (let j = 0; j < width; j++) {
      const col = width === 1 ? name : classNames?.length === width ? `${name}_${classNames[j]}` : `${name}_${j}`;
      cols.push({
        name: col,
        read: (r) => {
          const v = data[r * width + j]!;
          return typeof v === 'number' ? fmt(v) : csvCell(String(v));
        },
      });
    }
  }
  const lines = [cols.map((c) => csvCell(c.name)).join(',')];
  for (let r = 0; r < rows; r++) lines.push(cols.map((c) => c.read(r)).join(','));
  return lines.join('\n') + '\n';
}

/** Feeds for a Netwright deployment model described by its netwright.inputs metadata. */
function ownFeeds(ort: Ort, table: RawTable, pre: Preprocessing, specs: ModelInputSpec[]): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const spec of specs) {
    if (spec.kind === 'numeric') {
      // Raw units, NaN when missing, booleans as 0/1: the model imputes and scales itself.
      const inputs = pre.inputs
        .filter((t) => t.kind !== 'categorical')
        .map((t) => (t.kind === 'numeric' ? { ...t, offset: 0, scale: 1, impute: NaN } : { ...t, impute: NaN }));
      const raw: Preprocessing = {
        ...pre,
        missing: pre.missing === 'refuse' ? 'refuse' : 'impute',
        inputs,
        featureNames: inputs.map((t) => t.column),
      };
      feeds[spec.name] = new ort.Tensor(
        'float32',
        applyPreprocessing(raw, table),
        spec.shape ? [table.rows, ...spec.shape] : [table.rows, inputs.length],
      );
    } else {
      const col = findColumn(table, spec.column);
      if (!col) throw new CliError(`${table.name}: the model needs a column named '${spec.column}'.`);
      const values = Array.from({ length: table.rows }, (_, r) => {
        const v = cellValue(col, r);
        return v === null ? '' : cellKey(v);
      });
      feeds[spec.name] = new ort.Tensor('string', values, [table.rows, 1]);
    }
  }
  return feeds;
}

async function predictOnnx(file: string, table: RawTable): Promise<string> {
  const bytes = readFileSync(file);
  let info;
  try {
    info = readOnnx(bytes, path.basename(file));
  } catch (e) {
    throw new CliError((e as OnnxFormatError).message);
  }
  const meta = info.metadata;
  const pre = meta[META.preprocessing] ? (JSON.parse(meta[META.preprocessing]) as Preprocessing) : null;
  const specs = meta[META.inputs] ? (JSON.parse(meta[META.inputs]) as ModelInputSpec[]) : null;
  const ort = await loadOrt();
  let feeds: Record<string, OrtTensor>;
  if (pre && specs) {
    feeds = ownFeeds(ort, table, pre, specs);
  } else {
    if (info.inputs.length !== 1)
      throw new CliError(
        `${path.basename(file)} takes ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(', ')}); predict handles other tools' models with one feature input.`,
      );
    const input = info.inputs[0]!;
    // [N, F], or an image input [N, C, H, W] fed from as many columns in the same order.
    const sample = input.dims.slice(1);
    if (!sample.length || !sample.every((d): d is number => typeof d === 'number'))
      throw new CliError(`${path.basename(file)}: the size of input '${input.name}' is not fixed.`);
    const width = sample.reduce((a, d) => a * d, 1);
    const names = meta[META.featureNames] ? (JSON.parse(meta[META.featureNames]) as string[]) : null;
    const ownNames = names && !names.every((n, i) => n === `x${i}`) ? names : null;
    feeds = {
      [input.name]: new ort.Tensor('float32', inputMatrix(table, null, ownNames, width), [table.rows, ...sample]),
    };
  }
  const session = await createSession(bytes, { label: path.basename(file) });
  const out = await session.run(feeds);
  await session.release();
  const classNames = meta[META.classNames] ? (JSON.parse(meta[META.classNames]) as string[]) : null;
  // Another tool's model: every output, named after the model's outputs.
  if (!meta[META.task]) return outputsCsv(out, session.outputNames, table.rows, classNames);
  const main = out.values ?? out.probabilities!;
  const T = main.dims.length > 1 ? Number(main.dims[main.dims.length - 1]) : 1;
  const task = meta[META.task] as ExportTask;
  // The model's own label output carries its decision rule.
  const labels = out.label ? Array.from(out.label.data as BigInt64Array, Number) : null;
  return predictionsCsv(
    main.data as Float32Array,
    table.rows,
    T,
    task,
    classNames,
    pre?.target.task === 'regression' ? [pre.target.column] : null,
    labels,
  );
}

async function predictProject(file: string, table: RawTable): Promise<string> {
  const project = readProject(file);
  let snapshot;
  try {
    snapshot = projectSnapshot(project, { fileName: path.basename(file) });
  } catch (e) {
    throw new CliError(`${(e as Error).message} (netwright train ${path.basename(file)} --out DIR)`);
  }
  const model = new CompiledModel(snapshot.graph);
  const fwd = model.forward;
  const pre = snapshot.preprocessing;
  const x = inputMatrix(table, pre, null, fwd.features);
  const pred = toTargetUnits(
    new ForwardEvaluator(model, snapshot.weights).runForward(x, table.rows, [fwd.pred])[0]!,
    targetScaleOf(pre),
  );
  const T = fwd.targets;
  const task = exportTask(snapshot.graph, pre);
  const classNames = pre?.target && pre.target.task !== 'regression' ? pre.target.classNames : null;
  return predictionsCsv(
    pred,
    table.rows,
    T,
    task,
    classNames,
    pre?.target.task === 'regression' ? [pre.target.column] : null,
    task === 'regression' ? null : classify(pred, table.rows, T, fwd.decision),
  );
}

export const command: CliCommand = {
  name: 'predict',
  summary: 'Predict with an .onnx model or a trained project for the rows of a data file (CSV out)',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('predict', argv, {
      data: { type: 'string' },
      out: { type: 'string' },
      ...LIMIT_OPTIONS,
    });
    if (positionals.length !== 1)
      throw new CliError(
        `predict takes one model or project (got ${positionals.length}). See 'netwright predict --help'.`,
      );
    if (!values.data) throw new CliError('Say which rows to predict with --data FILE.');
    const model = positionals[0]!;
    if (!existsSync(model)) throw new CliError(`${model}: no such file.`);
    let table: RawTable;
    try {
      table = await loadTable(values.data, { limits: flagLimits(values) }); // bad --max-* values land here too
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    let csv: string;
    try {
      csv = model.toLowerCase().endsWith('.onnx')
        ? await predictOnnx(model, table)
        : await predictProject(model, table);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError((e as Error).message);
    }
    if (values.out) {
      await writeFileAtomic(values.out, csv);
      io.err(`wrote ${table.rows} predictions to ${values.out}\n`);
    } else io.out(csv);
    return 0;
  },
};
