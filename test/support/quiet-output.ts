/**
 * Setup file of every vitest project: green test runs stay quiet (STYLE 15).
 *
 * Vitest itself attributes `console` output to the test that printed it and, with `silent: 'passed-only'`
 * (vitest.config.ts), shows it only for tests that fail. What bypasses `console` in a worker (the Powertools
 * logger writes JSON records through its own `Console` on process.stdout; CDK announces bundling on
 * process.stderr) is routed into `console` here, so the same rule covers it. With LOG_LEVEL set, nothing is
 * held back: every record shows as it is written.
 */
if (!process.env.LOG_LEVEL) {
  const route = (stream: NodeJS.WriteStream, print: (text: string) => void) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      print(text.endsWith('\n') ? text.slice(0, -1) : text);
      const callback = rest.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
      callback?.();
      return true;
    }) as typeof stream.write;
  };
  route(process.stdout, (text) => console.log(text));
  route(process.stderr, (text) => console.error(text));
}
