/** Where the API is: read at start from /config.json, which the deployment writes (CDK) or the
 * local runner serves, so one build runs against any API. */
export interface AppConfig {
  api_url: string;
  local_mode: boolean;
}

let current: AppConfig | null = null;

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const raw = (await response.json()) as Partial<AppConfig>;
  current = { api_url: (raw.api_url ?? "").replace(/\/+$/, ""), local_mode: !!raw.local_mode };
  return current;
}

export function config(): AppConfig {
  if (current === null) throw new Error("config not loaded");
  return current;
}
