import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

/**
 * Runs Lambda entry files in this process the way the Lambda runtime calls them: the module is imported
 * once (its module scope is the "cold start": config, SDK clients, loggers) and its `handler` export is
 * called with the event and a Lambda-like context. Modules are imported lazily, on first use, so the
 * stack starts even while a handler file does not exist yet.
 */
export type LambdaHandler = (event: unknown, context: Context) => unknown;

export interface LambdaRuntime {
  /** The `handler` export of `file` (relative to the repository root), imported once and cached. */
  load(file: string): Promise<LambdaHandler>;
  /**
   * Invokes `file`'s handler. Rejects with `LambdaTimeoutError` after `timeoutMs` (the handler keeps
   * running in the background, as it cannot be killed in-process), or with whatever the handler throws.
   */
  invoke(file: string, functionName: string, event: unknown, timeoutMs: number): Promise<unknown>;
}

export class LambdaTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName} timed out after ${timeoutMs} ms`);
    this.name = 'LambdaTimeoutError';
  }
}

export class HandlerNotFoundError extends Error {
  constructor(file: string, cause: unknown) {
    super(`cannot load handler ${file}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'HandlerNotFoundError';
  }
}

export function createLambdaRuntime(options: { root: string; region: string; accountId: string }): LambdaRuntime {
  const modules = new Map<string, Promise<LambdaHandler>>();

  const load = (file: string): Promise<LambdaHandler> => {
    let loaded = modules.get(file);
    if (!loaded) {
      loaded = (async () => {
        let module: { handler?: unknown };
        try {
          module = (await import(pathToFileURL(join(options.root, file)).href)) as { handler?: unknown };
        } catch (error) {
          throw new HandlerNotFoundError(file, error);
        }
        if (typeof module.handler !== 'function') {
          throw new HandlerNotFoundError(file, new Error('the module has no `handler` export'));
        }
        return module.handler as LambdaHandler;
      })();
      // A failed import is not cached: the file may appear (or be fixed) while the stack runs.
      loaded.catch(() => modules.delete(file));
      modules.set(file, loaded);
    }
    return loaded;
  };

  return {
    load,
    async invoke(file, functionName, event, timeoutMs) {
      const handler = await load(file);
      const context = lambdaContext(functionName, timeoutMs, options.region, options.accountId);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new LambdaTimeoutError(functionName, timeoutMs)), timeoutMs);
      });
      try {
        return await Promise.race([Promise.resolve().then(() => handler(event, context)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** A context object with the fields and methods the Lambda Node.js runtime provides. */
export function lambdaContext(functionName: string, timeoutMs: number, region: string, accountId: string): Context {
  const deadline = Date.now() + timeoutMs;
  const awsRequestId = randomUUID();
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is not supported: return a value or a promise from the handler`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
