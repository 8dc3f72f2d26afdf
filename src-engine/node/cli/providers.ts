/** `netwright providers`: which ONNX Runtime execution providers work here, and why the others do not. */
import { probeProviders } from '../ort/providers.ts';
import { loadOrt } from '../ort/runtime.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright providers [--json]

Probes each ONNX Runtime execution provider one at a time (cpu, webgpu, cuda, tensorrt, dml, coreml):
platform and library checks first, then one training step that must match the CPU result.

Options:
  --json    print the reports as JSON`;

export const command: CliCommand = {
  name: 'providers',
  summary: 'List ONNX Runtime execution providers: which work here and why the others do not',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('providers', argv, { json: { type: 'boolean' } });
    if (positionals.length) throw new CliError(`providers takes no arguments (got ${positionals.join(' ')}).`);
    const ort = await loadOrt();
    const reports = await probeProviders();
    if (values.json) {
      io.out(JSON.stringify({ onnxruntime: ort.env.versions?.common ?? null, providers: reports }, null, 1) + '\n');
      return 0;
    }
    io.out(
      `ONNX Runtime ${ort.env.versions?.common ?? ''} (onnxruntime-node) on ${process.platform}-${process.arch}\n`,
    );
    const w = Math.max(...reports.map((r) => r.ep.length));
    for (const r of reports) io.out(`  ${r.ep.padEnd(w)}  ${r.usable ? 'usable ' : 'missing'}  ${r.reason}\n`);
    return 0;
  },
};
