/** Option parsing shared by the subcommands: node's parseArgs, with its errors as one clean CLI line. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './types.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse a subcommand's argv (positionals allowed, unknown options refused with a pointer to its --help). */
export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new CliError(`${(e as Error).message}. See 'netwright ${command} --help'.`);
  }
}
