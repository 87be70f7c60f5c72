import { ConfigurationError } from '@release-actions/core/runtime/errors';

export interface ParsedArgs {
  command: string;
  flags: Record<string, string>;
}

/** `<command> --name value --other=value`; a flag given twice joins its values with newlines (list inputs). */
export function parseArgs(argv: string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith('--') || arg === '--')
      throw new ConfigurationError(`unexpected argument "${arg}"; inputs are given as --name value`);
    const eq = arg.indexOf('=');
    let name: string;
    let value: string;
    if (eq > 0) {
      name = arg.slice(2, eq);
      value = arg.slice(eq + 1);
    } else {
      name = arg.slice(2);
      const next = rest[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ConfigurationError(`--${name} needs a value`);
      value = next;
      i++;
    }
    flags[name] = name in flags ? `${flags[name]}\n${value}` : value;
  }
  return { command, flags };
}
