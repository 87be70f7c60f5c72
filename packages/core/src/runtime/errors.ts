/**
 * A mistake in what the user asked for (an input, a missing file, a conflict they must resolve).
 * Kept apart from bugs so the failure message is one plain line with no stack trace.
 */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function isConfigurationError(e: unknown): e is ConfigurationError {
  return e instanceof ConfigurationError;
}
