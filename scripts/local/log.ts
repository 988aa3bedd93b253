/**
 * Logging for the local stack's own machinery (not the handlers'): one JSON object per line on stdout,
 * errors on stderr. `quiet` drops info lines; warnings and errors are always printed.
 */
export interface StackLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(component: string, options: { quiet?: boolean } = {}): StackLogger {
  const write = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => {
    if (level === 'info' && options.quiet) return;
    const line = JSON.stringify({ level, time: new Date().toISOString(), component, msg, ...fields });
    (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** An error as log fields: name, message and stack, nothing else (no request data). */
export function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { error: { name: error.name, message: error.message, stack: error.stack } };
  }
  return { error: { message: String(error) } };
}
