/** The HTTP API client: the error envelope as a typed error, the bearer token, one refresh on
 * 401 and the session cleared when the refresh token no longer works. */
import { config } from "./config";
import * as session from "./session";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Money {
  amount: number;
  currency: string;
}

type Query = Record<string, string | number | boolean | undefined | null>;

interface Options {
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  auth?: boolean;
}

let refreshing: Promise<boolean> | null = null;

/** A new access token from the refresh token (one request at a time); false when it is gone. */
export function refreshSession(): Promise<boolean> {
  const token = session.refreshToken();
  if (!token) return Promise.resolve(false);
  refreshing ??= (async () => {
    try {
      const tokens = await raw<{ access_token: string; expires_in: number; refresh_token?: string | null }>(
        "POST",
        "/v1/auth/refresh",
        { body: { refresh_token: token }, auth: false },
      );
      // The pool may rotate refresh tokens: the one sent is then spent, keep the next one.
      session.setTokens(tokens.access_token, tokens.expires_in, tokens.refresh_token ?? undefined);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status < 500) session.clear();
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function api<T = unknown>(method: string, path: string, options: Options = {}): Promise<T> {
  const wantsAuth = options.auth !== false;
  if (wantsAuth && session.access() === null && session.refreshToken()) await refreshSession();
  try {
    return await raw<T>(method, path, options);
  } catch (error) {
    if (wantsAuth && error instanceof ApiError && error.status === 401 && (await refreshSession())) {
      return raw<T>(method, path, options);
    }
    if (error instanceof ApiError && error.code === "ACCOUNT_DISABLED") session.clear();
    throw error;
  }
}

async function raw<T>(method: string, path: string, options: Options): Promise<T> {
  const url = new URL(config().api_url + path, window.location.origin);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  const token = session.access();
  if (options.auth !== false && token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch {
    throw new ApiError(0, "NETWORK", "The server could not be reached. Check your connection and try again.");
  }
  if (response.status === 204 || response.status === 202) {
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const data = await response.json().catch(() => null);
  if (response.ok) return data as T;
  throw toError(response.status, data);
}

function toError(status: number, data: unknown): ApiError {
  const envelope = (data as { error?: Record<string, unknown> } | null)?.error;
  if (envelope && typeof envelope === "object") {
    const details = (envelope.details ?? {}) as Record<string, unknown>;
    const fields = Array.isArray(details.fields) ? (details.fields as FieldError[]) : [];
    return new ApiError(status, String(envelope.code), String(envelope.message), fields, details);
  }
  // API Gateway's own answers ({"message": "Unauthorized"}): the status says it all.
  if (status === 401) return new ApiError(401, "UNAUTHENTICATED", "Please log in again.");
  if (status === 403) return new ApiError(403, "FORBIDDEN", "You are not allowed to do that.");
  return new ApiError(status, "INTERNAL", `Something went wrong (HTTP ${status}). Please try again.`);
}

/** A key for a POST that must happen once however often the person clicks or retries. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export function formatMoney(money: Money | null | undefined): string {
  if (!money) return "";
  if (money.amount === 0) return "Free";
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: money.currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat("en", { style: "currency", currency: money.currency }).format(
    money.amount / 10 ** digits,
  );
}
