import { ConfigurationError } from './errors.js';

/**
 * Expands `{name}` placeholders in an input's value from the given values. Any other `{...}` is a
 * one-line ConfigurationError naming the input and the placeholders it may use.
 */
export function expandTemplate(input: string, template: string, values: Record<string, string>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value !== undefined) return value;
    throw new ConfigurationError(
      `input "${input}": unknown placeholder ${whole} in "${template}"; use ${known(Object.keys(values))}`,
    );
  });
}

function known(names: string[]): string {
  const shown = names.map((n) => `{${n}}`);
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : (shown[0] ?? 'none');
}
