/** The header's unread badge: the dashboard's ``notifications_unread``, refreshed on each screen,
 * every minute, and when a screen marks notifications read. */
import { api, ApiError } from "./api";
import { NAVIGATED } from "./router";
import * as session from "./session";
import { flash } from "./ui";

export const CHANGED = "coursewave:notifications-changed";
const EVERY_MS = 60_000;

export function badgeText(unread: number): string {
  return unread ? `${unread} unread` : "";
}

export async function refreshBadge(): Promise<void> {
  const badge = document.getElementById("unread-badge");
  if (!badge || !session.currentUser()) return;
  try {
    const { notifications_unread: unread } = await api<{ notifications_unread: number }>("GET", "/v1/me/dashboard");
    badge.textContent = badgeText(unread);
    badge.hidden = unread === 0;
  } catch (error) {
    // A ban ends the session on this request as on any other (api.ts): say why. Otherwise the
    // badge is a hint: a failed refresh leaves the last count (the next one retries).
    if (error instanceof ApiError && error.code === "ACCOUNT_DISABLED") flash(error.message, "error");
  }
}

export function watchBadge(): void {
  window.addEventListener(CHANGED, () => void refreshBadge());
  window.addEventListener(NAVIGATED, () => void refreshBadge());
  window.setInterval(() => void refreshBadge(), EVERY_MS);
}
