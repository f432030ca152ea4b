import { api, type Page } from "../../api";
import type { Screen } from "../../router";
import { button, field, flash, h, table, values, when } from "../../ui";

interface User {
  id: string;
  email: string;
  name: string;
  roles: string[];
  status: string;
  created_at: string;
}

const ROLE_SETS: Array<[string, string]> = [
  ["student", "Student"],
  ["student,instructor", "Student + instructor"],
  ["student,admin", "Student + admin"],
  ["student,instructor,admin", "Student + instructor + admin"],
];

function row(user: User, refresh: () => Promise<void>): Array<Node | string> {
  const rolesId = `roles-${user.id}`;
  const roles = h(
    "select",
    { id: rolesId, "aria-label": `Roles of ${user.email}` },
    ...ROLE_SETS.map(([value, text]) => h("option", { value, selected: value === [...user.roles].sort(order).join(",") }, text)),
  );
  const patch = async (body: Record<string, unknown>, message: string): Promise<void> => {
    await api("PATCH", `/v1/admin/users/${encodeURIComponent(user.id)}`, { body });
    flash(message);
    await refresh();
  };
  const ban =
    user.status === "banned"
      ? button(`Unban ${user.email}`, () => patch({ status: "active" }, `${user.email} can use Coursewave again.`))
      : button(`Ban ${user.email}`, () => patch({ status: "banned" }, `${user.email} is banned.`), { class: "danger", disabled: user.status === "deleted" });
  return [
    user.name,
    user.email,
    h("span", { class: `status ${user.status}` }, user.status),
    h("span", { class: "inline" }, roles, button(`Save roles of ${user.email}`, () => patch({ roles: roles.value.split(",") }, `Roles of ${user.email} saved.`))),
    when(user.created_at),
    ban,
  ];
}

function order(a: string, b: string): number {
  const rank = ["student", "instructor", "admin"];
  return rank.indexOf(a) - rank.indexOf(b);
}

const screen: Screen = {
  title: "Users",
  async render(_, query) {
    const results = h("div", { "aria-live": "polite" });
    const filters = h(
      "form",
      { role: "search", "aria-label": "Find users", class: "filters" },
      field({ name: "q", label: "Name or email starts with", type: "search", value: query.get("q") ?? "" }),
      field({ name: "role", label: "Role", options: [["", "Any role"], ["student", "Student"], ["instructor", "Instructor"], ["admin", "Admin"]] }),
      field({ name: "status", label: "Status", options: [["", "Any status"], ["active", "Active"], ["banned", "Banned"], ["unverified", "Unverified"], ["deleted", "Deleted"]] }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Find users")),
    );
    const load = async (): Promise<void> => {
      const page = await api<Page<User>>("GET", "/v1/admin/users", { query: { ...values(filters), limit: 50 } });
      results.replaceChildren(
        page.items.length
          ? table("Users", ["Name", "Email", "Status", "Roles", "Joined", "Access"], page.items.map((user) => row(user, load)))
          : h("p", {}, "No user matches."),
      );
    };
    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      void load().catch((error: unknown) => flash(String((error as Error).message ?? error), "error"));
    });
    await load();
    return h("section", {}, h("h1", {}, "Users"), filters, results);
  },
};
export default screen;
