import { api, formatMoney, type Page } from "../api";
import type { Screen } from "../router";
import { CATEGORIES, LEVELS, minutes, type CourseSummary } from "../types";
import { button, errorBox, field, h, link, loading, values } from "../ui";

export function courseCard(course: CourseSummary): HTMLElement {
  return h(
    "li",
    { class: "card" },
    course.thumbnail_url ? h("img", { src: course.thumbnail_url, alt: "", loading: "lazy", width: 320, height: 180 }) : null,
    h("h2", {}, link(`/courses/${encodeURIComponent(course.slug)}`, course.title)),
    course.subtitle ? h("p", {}, course.subtitle) : null,
    h(
      "p",
      { class: "meta" },
      `${course.instructor.name} · ${course.level} · ${course.lesson_count} lessons`,
      course.duration_seconds ? ` · ${minutes(course.duration_seconds)}` : "",
      course.rating.count ? ` · ★ ${course.rating.average.toFixed(1)} (${course.rating.count})` : "",
    ),
    h("p", { class: "price" }, formatMoney(course.price)),
  );
}

const screen: Screen = {
  title: "Catalog",
  async render(_, query) {
    const list = h("ul", { class: "cards", "aria-label": "Courses" });
    const status = h("div", { "aria-live": "polite" });
    const more = h("div", {});
    const filters = h(
      "form",
      { role: "search", "aria-label": "Filter the catalog", class: "filters" },
      field({ name: "q", label: "Search", type: "search", value: query.get("q") ?? "" }),
      field({ name: "category", label: "Category", options: [["", "Any category"], ...CATEGORIES], value: query.get("category") ?? "" }),
      field({ name: "level", label: "Level", options: [["", "Any level"], ...LEVELS], value: query.get("level") ?? "" }),
      field({ name: "price", label: "Price", options: [["", "Any price"], ["free", "Free"], ["paid", "Paid"]], value: query.get("price") ?? "" }),
      field({ name: "sort", label: "Sort by", options: [["newest", "Newest"], ["popular", "Most popular"], ["rating", "Best rated"]], value: query.get("sort") ?? "newest" }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Search")),
    );

    let latest = 0; // a newer search wins over an older one still in flight
    async function load(params: Record<string, string>, cursor: string | null): Promise<void> {
      const mine = ++latest;
      status.replaceChildren(loading("Loading courses…"));
      more.replaceChildren();
      try {
        const page = await api<Page<CourseSummary>>("GET", "/v1/courses", { query: { ...params, cursor, limit: 12 }, auth: false });
        if (mine !== latest) return;
        status.replaceChildren();
        if (!cursor) list.replaceChildren();
        list.append(...page.items.map(courseCard));
        if (!list.children.length) status.replaceChildren(h("p", {}, "No course matches your search."));
        if (page.next_cursor) {
          more.replaceChildren(button("Load more courses", () => load(params, page.next_cursor)));
        }
      } catch (error) {
        if (mine === latest) status.replaceChildren(errorBox(error));
      }
    }

    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = values(filters);
      const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
      history.replaceState(null, "", `/?${search}`);
      void load(params, null);
    });
    void load(Object.fromEntries(query.entries()), null);
    return h("section", {}, h("h1", {}, "Find your next course"), filters, status, list, more);
  },
};
export default screen;
