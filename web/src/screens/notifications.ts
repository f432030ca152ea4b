/** My notifications: newest first, unread ones marked, mark one or all as read, load more. */
import { api, type Page } from "../api";
import { CHANGED } from "../notifications";
import type { Screen } from "../router";
import { button, checkbox, h, link, when } from "../ui";

interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  read_at: string | null;
  created_at: string;
}

function changed(): void {
  window.dispatchEvent(new Event(CHANGED));
}

function item(notification: Notification): HTMLElement {
  const entry = h("li", { class: notification.read_at ? "card" : "card unread", "data-notification": notification.id });
  const mark = notification.read_at
    ? null
    : button(`Mark “${notification.title}” as read`, async () => {
        await api("POST", `/v1/me/notifications/${encodeURIComponent(notification.id)}/read`);
        notification.read_at = new Date().toISOString();
        entry.replaceWith(item(notification));
        changed();
      }, { class: "link" });
  entry.append(
    h("h3", {}, notification.link ? link(notification.link, notification.title) : notification.title, notification.read_at ? null : h("span", { class: "tag ok" }, "Unread")),
    h("p", { class: "meta" }, when(notification.created_at)),
    h("p", {}, notification.body),
  );
  if (mark) entry.append(mark);
  return entry;
}

const screen: Screen = {
  title: "Notifications",
  async render(_params, query) {
    const unreadOnly = query.get("unread") === "true";
    const list = h("ul", { class: "cards notifications", "aria-label": "Notifications" });
    const more = h("div", { class: "actions" });
    const load = async (cursor: string | null) => {
      const page = await api<Page<Notification>>("GET", "/v1/me/notifications", { query: { limit: 20, cursor, unread: unreadOnly ? true : undefined } });
      list.append(...page.items.map(item));
      if (!list.children.length) list.replaceWith(h("p", {}, unreadOnly ? "No unread notification." : "No notification yet."));
      more.replaceChildren(page.next_cursor ? button("Load more", () => load(page.next_cursor)) : "");
    };
    await load(null);
    const filter = checkbox("unread", "Unread only", unreadOnly);
    filter.querySelector("input")?.addEventListener("change", (event) => {
      const only = (event.target as HTMLInputElement).checked;
      history.replaceState(null, "", only ? "/notifications?unread=true" : "/notifications");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    const readAll = button("Mark all as read", async () => {
      await api("POST", "/v1/me/notifications/read-all");
      list.querySelectorAll(".unread").forEach((entry) => {
        entry.classList.remove("unread");
        entry.querySelector(".tag.ok")?.remove();
        entry.querySelector("button")?.remove();
      });
      changed();
    });
    return h("section", {}, h("h1", {}, "Notifications"), h("div", { class: "filters" }, filter, readAll), list, more);
  },
};
export default screen;
