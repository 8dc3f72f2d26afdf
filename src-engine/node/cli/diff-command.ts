/** `netwright diff`: what differs between two projects — settings, architecture, results, weights. */
import * as path from 'node:path';
import { diffProjects } from '../../lab/diff.ts';
import { readProject } from './export.ts';
import { parseCommandArgs } from './args.ts';
import { CliError, type CliCommand } from './types.ts';

const USAGE = `netwright diff <a.netwright> <b.netwright> [--json]

Compares two projects: training settings (each named by its config key, e.g. lr, optimizer.name,
batchSize), architecture (layers added, removed or changed, connections), dataset, the final metrics
of their last runs, and how far each parameter moved between them (root-mean-square change).
Exit status 0 when they are the same, 1 when they differ.`;

const show = (v: unknown) => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : JSON.stringify(v));

export const command: CliCommand = {
  name: 'diff',
  summary: 'Compare two projects: settings, architecture, metrics and weights',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('diff', argv, { json: { type: 'boolean' } });
    if (positionals.length !== 2)
      throw new CliError(`diff takes two project files (got ${positionals.length}). See 'netwright diff --help'.`);
    const [fa, fb] = positionals as [string, string];
    const d = diffProjects(readProject(fa), readProject(fb));
    if (values.json) {
      io.out(JSON.stringify(d) + '\n');
      return d.same ? 0 : 1;
    }
    const lines: string[] = [`${path.basename(fa)} → ${path.basename(fb)}`];
    if (d.same) lines.push('no differences');
    for (const s of d.settings) lines.push(`setting ${s.key}: ${show(s.a)} → ${show(s.b)}`);
    for (const s of d.dataset) lines.push(`dataset ${s.key}: ${show(s.a)} → ${show(s.b)}`);
    const arch = d.architecture;
    for (const n of [...arch.added, ...arch.removed, ...arch.changed]) lines.push(`layer ${n.text}`);
    for (const [s, t] of arch.edgesAdded) lines.push(`connection ${s} → ${t} added`);
    for (const [s, t] of arch.edgesRemoved) lines.push(`connection ${s} → ${t} removed`);
    for (const m of d.metrics) if (m.a !== m.b) lines.push(`metric ${m.key}: ${show(m.a)} → ${show(m.b)}`);
    for (const w of d.weights) {
      if (w.shapes) lines.push(`weights ${w.name}: shape ${w.shapes[0].join('×')} → ${w.shapes[1].join('×')}`);
      else if (w.maxChange)
        lines.push(
          `weights ${w.name}: moved ${show(w.rmsChange)} rms (${show((w.relative ?? 0) * 100)}% of its size), at most ${show(w.maxChange)}`,
        );
    }
    io.out(lines.join('\n') + '\n');
    return d.same ? 0 : 1;
  },
};
