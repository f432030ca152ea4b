/** Start: the API's address, the session a reload kept, the navigation, the first screen. */
import { ApiError, refreshSession } from "./api";
import { loadMe, logout } from "./auth";
import { loadConfig } from "./config";
import { ROUTES } from "./routes";
import { start } from "./router";
import * as session from "./session";
import { refreshBadge, watchBadge } from "./notifications";
import { button, flash, h, link } from "./ui";

function renderNav(): void {
  const nav = document.getElementById("nav");
  if (!nav) return;
  const user = session.currentUser();
  const items: Node[] = [link("/", "Catalog")];
  if (user) {
    items.push(
      link("/dashboard", "My learning"),
      link("/certificates", "Certificates"),
      h("a", { href: "/notifications" }, "Notifications ", h("span", { id: "unread-badge", class: "badge", hidden: true })),
    );
    if (session.hasRole("instructor")) items.push(link("/teach", "Teach"), link("/teach/earnings", "Earnings"));
    if (session.hasRole("admin")) {
      items.push(
        link("/admin/stats", "Stats"),
        link("/admin/users", "Users"),
        link("/admin/coupons", "Coupons"),
        link("/admin/payments", "Payments"),
        link("/admin/audit-log", "Audit log"),
      );
    }
    items.push(h("span", { class: "who" }, user.name), button("Log out", logout));
  } else {
    items.push(link("/login", "Log in"), link("/signup", "Sign up"));
  }
  nav.replaceChildren(h("ul", {}, ...items.map((item) => h("li", {}, item))));
  if (user) void refreshBadge();
}

async function boot(): Promise<void> {
  await loadConfig();
  session.onSessionChange(renderNav);
  if (session.refreshToken() && (await refreshSession())) {
    try {
      await loadMe();
    } catch (error) {
      session.clear();
      if (error instanceof ApiError) flash(error.message, "error");
    }
  }
  renderNav();
  watchBadge();
  start(ROUTES);
}

boot().catch((error: unknown) => {
  const main = document.getElementById("main");
  main?.replaceChildren(h("p", { class: "flash error", role: "alert" }, `Coursewave could not start: ${String(error)}`));
});
