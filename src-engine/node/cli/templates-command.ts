/** `netwright templates`: list template ids with one-line descriptions. */
import { listTemplates } from '../../train/templates.ts';
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
    const w = Math.max(...ts.map((t) => t.id.length));
    for (const t of ts) io.out(`${t.id.padEnd(w)}  ${t.name}\n`);
    return 0;
  },
};
