/** `netwright import`: an .onnx file (our own export, or another tool's network) as an editable, trainable project. */
import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { serializeProject } from '../../project/project.ts';
import { safeFileName } from '../../protocol/file-name.ts';
import { projectFromModelFile } from '../../onnx/import.ts';
import { writeFileAtomic } from '../atomic-write.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright import <model.onnx | weights.json | checkpoint.json> [--out project.netwright]

Turns an ONNX model into a Netwright project with its weights: Netwright's own exports (graph,
weights and preprocessing come back unchanged) and networks from other tools (torch.onnx.export),
chains of Gemm or MatMul + Add with their activations. Unsupported ops are refused, naming the op and
the node. Also reads Netwright weights JSON, including the checkpoint an exported PyTorch training
script (export --format pytorch-train) writes: its training settings, dataset and epochs come along.
Train the project further with 'netwright train project.netwright', or open it in the app.

Options:
  --out FILE     where to write the project (default: the model's name with .netwright, here)`;

export const command: CliCommand = {
  name: 'import',
  summary: 'Turn an .onnx model into an editable, trainable project with its weights',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('import', argv, { out: { type: 'string' } });
    if (positionals.length !== 1)
      throw new CliError(`import takes one .onnx file (got ${positionals.length}). See 'netwright import --help'.`);
    const file = positionals[0]!;
    if (!existsSync(file)) throw new CliError(`${file}: no such file.`);
    let imported;
    try {
      imported = projectFromModelFile(readFileSync(file), path.basename(file));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    const { project, notes } = imported;
    const out =
      values.out ??
      `${safeFileName(path.basename(file).replace(/(\.checkpoint|\.weights)?\.(onnx|json)$/i, ''), 'model')}.netwright`;
    await writeFileAtomic(out, serializeProject(project));
    const layers = project.graph.nodes.map((n) =>
      n.type === 'Dense' || n.type === 'Output' ? `${n.type}(${n.params.units}, ${n.params.activation})` : n.type,
    );
    io.err(`${notes.map((n) => `note: ${n}\n`).join('')}imported ${layers.join(' → ')}\n`);
    io.out(`project written to ${out}\n`);
    return 0;
  },
};
