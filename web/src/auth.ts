/** Signing in and out: tokens into the session, the caller's profile, logout revoking the
 * refresh token on the server before it is dropped here. */
import { api, ApiError } from "./api";
import { navigate } from "./router";
import * as session from "./session";
import { flash } from "./ui";

interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export async function login(email: string, password: string): Promise<void> {
  const tokens = await api<Tokens>("POST", "/v1/auth/login", { body: { email, password }, auth: false });
  session.setTokens(tokens.access_token, tokens.expires_in, tokens.refresh_token);
  await loadMe();
}

export async function loadMe(): Promise<void> {
  session.setMe(await api<session.Me>("GET", "/v1/me"));
}

export async function logout(): Promise<void> {
  try {
    await api("POST", "/v1/auth/logout");
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
  }
  session.clear();
  flash("You are logged out.");
  navigate("/");
}
