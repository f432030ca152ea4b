import { api, type Page } from "../../api";
import type { Screen } from "../../router";
import { button, h, table, when } from "../../ui";

interface Entry {
  id: string;
  at: string;
  actor_id: string;
  action: string;
  target: { type: string; id: string };
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason: string | null;
}

const change = (entry: Entry): string =>
  Object.keys({ ...entry.before, ...entry.after })
    .map((key) => `${key}: ${JSON.stringify(entry.before[key] ?? null)} → ${JSON.stringify(entry.after[key] ?? null)}`)
    .join("; ");

const screen: Screen = {
  title: "Audit log",
  async render() {
    const entries: Entry[] = [];
    const rows = h("div", {});
    const more = h("div", {});
    const load = async (cursor: string | null): Promise<void> => {
      const page = await api<Page<Entry>>("GET", "/v1/admin/audit-log", { query: { cursor, limit: 50 } });
      entries.push(...page.items);
      rows.replaceChildren(
        entries.length
          ? table(
              "Audit log, newest first",
              ["When", "Actor", "Action", "Target", "Change", "Reason"],
              entries.map((entry) => [when(entry.at), entry.actor_id, entry.action, `${entry.target.type} ${entry.target.id}`, change(entry), entry.reason ?? ""]),
            )
          : h("p", {}, "Nothing recorded yet."),
      );
      more.replaceChildren(page.next_cursor ? button("Load older entries", () => load(page.next_cursor)) : "");
    };
    await load(null);
    return h("section", {}, h("h1", {}, "Audit log"), rows, more);
  },
};
export default screen;
