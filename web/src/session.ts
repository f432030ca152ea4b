/** Tokens. The access token lives in memory only (gone with the tab, never readable from
 * storage). The refresh token is kept in sessionStorage: per tab, cleared when the tab closes,
 * survives a reload (docs/decisions.md "Web app tokens" says why not localStorage or a cookie). */
const REFRESH_KEY = "coursewave.refresh";

export interface Me {
  id: string;
  email: string;
  name: string;
  roles: string[];
  status: string;
}

let accessToken: string | null = null;
let expiresAt = 0;
let me: Me | null = null;
const listeners: Array<() => void> = [];

export function onSessionChange(listener: () => void): void {
  listeners.push(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function setTokens(access: string, expiresIn: number, refresh?: string): void {
  accessToken = access;
  expiresAt = Date.now() + Math.max(0, expiresIn - 30) * 1000;
  if (refresh) sessionStorage.setItem(REFRESH_KEY, refresh);
}

export function access(): string | null {
  return accessToken !== null && Date.now() < expiresAt ? accessToken : null;
}

export function refreshToken(): string | null {
  return sessionStorage.getItem(REFRESH_KEY);
}

export function setMe(value: Me | null): void {
  me = value;
  changed();
}

export function currentUser(): Me | null {
  return me;
}

export function hasRole(role: string): boolean {
  return !!me && me.roles.includes(role);
}

export function clear(): void {
  accessToken = null;
  expiresAt = 0;
  sessionStorage.removeItem(REFRESH_KEY);
  setMe(null);
}
