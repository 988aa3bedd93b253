/** Runtime settings, fetched once from `/config.json` (written by the local stack or by the CDK deployment). */
export interface ConsoleConfig {
  /** The API's base URL, without `/v1`. */
  readonly apiUrl: string;
  readonly region: string;
  readonly cognito: { readonly endpoint: string; readonly userPoolId: string; readonly clientId: string };
}

let loaded: ConsoleConfig | undefined;

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<ConsoleConfig>;
  if (!(body.apiUrl && body.cognito?.endpoint && body.cognito.clientId)) {
    throw new Error('config.json lacks apiUrl or cognito settings');
  }
  loaded = body as ConsoleConfig;
  return loaded;
}

export function config(): ConsoleConfig {
  if (!loaded) throw new Error('config not loaded yet');
  return loaded;
}
