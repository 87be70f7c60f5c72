/**
 * The runner turns workflow commands (`::debug::`, `::error::`, `::add-mask::`...) into log
 * decorations; a terminal would show them raw. Outside a runner, rewrite them into plain lines.
 */
export function plainCommand(line: string, debug: boolean): string | undefined {
  const m = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
  if (!m) return line;
  const [, command, message] = m;
  switch (command) {
    case 'debug':
      return debug ? `debug: ${message}` : undefined;
    case 'error':
    case 'warning':
    case 'notice':
      return `${command}: ${message}`;
    case 'group':
      return `\n${message}`;
    case 'add-mask':
    case 'endgroup':
      return undefined;
    default:
      return line;
  }
}

export function installTerminalOutput(debug = process.env['RUNNER_DEBUG'] === '1'): void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const out = text
      .split('\n')
      .map((l) => plainCommand(l, debug))
      .filter((l) => l !== undefined)
      .join('\n');
    return out === '' ? true : (write as (c: string, ...r: unknown[]) => boolean)(out, ...rest);
  }) as typeof process.stdout.write;
}
