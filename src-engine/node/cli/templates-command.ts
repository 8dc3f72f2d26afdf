/** `netwright templates`: list template ids with one-line descriptions. */
import { listTemplates, TEMPLATE_COMPARISONS } from '../../train/templates.ts';
import type { CliCommand } from './types.ts';

export const command: CliCommand = {
  name: 'templates',
  summary: 'List the built-in example networks (templates)',
  usage: 'netwright templates [--json]',
  async run(argv, io) {
    const ts = listTemplates();
    if (argv.includes('--json')) {
      io.out(
        JSON.stringify(
          ts.map((t) => ({ id: t.id, name: t.name, description: t.description, dataset: t.dataset })),
          null,
          1,
        ) + '\n',
      );
      return 0;
    }
    const w = Math.max(...ts.map((t) => t.id.length), ...TEMPLATE_COMPARISONS.map((c) => c.id.length));
    for (const t of ts) io.out(`${t.id.padEnd(w)}  ${t.name}\n`);
    for (const c of TEMPLATE_COMPARISONS) io.out(`${c.id.padEnd(w)}  ${c.name} (trains ${c.members.join(' and ')})\n`);
    return 0;
  },
};
