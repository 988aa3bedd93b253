/**
 * The one typed API client: openapi-fetch over the types generated from the API's OpenAPI document
 * (schema.d.ts), with the caller's ID token on every request. Components never call `fetch`; they use
 * query hooks (TanStack Query) that call `api()` and `ok()`.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { idToken } from '../auth/session';
import { config } from '../config';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

/** An API refusal or failure, carrying the problem+json the API answered with; its message is `detail`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Partial<Problem>;

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `The request failed (HTTP ${status})`);
    this.status = status;
    this.code = problem.code ?? 'unknown';
    this.problem = problem;
  }
}

const authorization: Middleware = {
  async onRequest({ request }) {
    const token = await idToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

let client: Client<paths> | undefined;

export function api(): Client<paths> {
  if (!client) {
    client = createClient<paths>({ baseUrl: config().apiUrl });
    client.use(authorization);
  }
  return client;
}

/** The data of a successful response, or an ApiProblem with the API's problem `detail`. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) {
    throw new ApiProblem(response.status, (error ?? {}) as Partial<Problem>);
  }
  return data as T;
}
