/** The `netwright` command line: every main job without a window. */
import { command as templates } from './templates-command.ts';
import { command as train } from './train-command.ts';
import { CliError, type CliCommand, type CliIo } from './types.ts';

/** Commands that live in optional modules (registered when their module is present). */
const OPTIONAL = [
  './export.ts',
  './predict.ts',
  './import-command.ts',
  './step-command.ts',
  './diff-command.ts',
  './providers.ts',
];

async function commands(): Promise<CliCommand[]> {
  const list: CliCommand[] = [train, templates];
  for (const m of OPTIONAL) {
    const mod = (await import(m).catch(() => null)) as { command?: CliCommand } | null;
    if (mod?.command) list.push(mod.command);
  }
  return list;
}

function help(cmds: CliCommand[]): string {
  const w = Math.max(...cmds.map((c) => c.name.length));
  return `Netwright: design, train and export neural networks.\n\nUsage: netwright <command> [options]\n\n${cmds.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`).join('\n')}\n\nRun 'netwright <command> --help' for a command's options.\n`;
}

/** Run the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const cmds = await commands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help(cmds));
    return name ? 0 : 1;
  }
  const cmd = cmds.find((c) => c.name === name);
  if (!cmd) {
    io.err(`netwright: unknown command '${name}'. Commands: ${cmds.map((c) => c.name).join(', ')}.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${cmd.usage}\n`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    const msg = e instanceof CliError ? e.message : e instanceof Error ? e.message : String(e);
    io.err(`netwright ${name}: ${msg.split('\n')[0]}\n`);
    if (process.env.NETWRIGHT_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

/** Standard process io. */
export const processIo: CliIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
};
