/** The contract between the CLI's entry point and its subcommands. */

export interface CliIo {
  /** Standard output (results). */
  out(text: string): void;
  /** Standard error (progress, messages). */
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars redraw in place only then). */
  isTty: boolean;
}

export interface CliCommand {
  name: string;
  /** One line for `netwright --help`. */
  summary: string;
  /** Usage text for `netwright <name> --help`. */
  usage: string;
  /** Returns the exit code. Throw CliError for a clean one-line error. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** An error the CLI prints as one line on stderr (no stack trace) before exiting non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
