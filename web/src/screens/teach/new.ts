import { api } from "../../api";
import { toMinor } from "../../money";
import { navigate, type Screen } from "../../router";
import { CATEGORIES, LEVELS, type Course } from "../../types";
import { field, flash, form, h } from "../../ui";

const screen: Screen = {
  title: "New course",
  async render() {
    const element = form(
      "New course",
      [
        field({ name: "title", label: "Title", required: true }),
        field({ name: "subtitle", label: "Subtitle" }),
        field({ name: "description", label: "Description", multiline: true, required: true, hint: "Markdown: # headings, - lists, **bold**." }),
        field({ name: "category", label: "Category", options: CATEGORIES }),
        field({ name: "level", label: "Level", options: LEVELS }),
        field({ name: "tags", label: "Tags", hint: "Comma separated." }),
        field({ name: "price", label: "Price", type: "number", value: "0", min: 0, step: "0.01", hint: "0 for a free course." }),
        field({ name: "currency", label: "Currency", value: "USD", options: [["USD", "USD"], ["EUR", "EUR"], ["RWF", "RWF"], ["UGX", "UGX"], ["KES", "KES"], ["XAF", "XAF"]] }),
      ],
      "Create course",
      async (data) => {
        const currency = data.currency ?? "USD";
        const body: Record<string, unknown> = {
          title: data.title,
          description: data.description,
          category: data.category,
          level: data.level,
          price: { amount: toMinor(data.price ?? "0", currency), currency },
        };
        if (data.subtitle) body.subtitle = data.subtitle;
        const tags = (data.tags ?? "").split(",").map((tag) => tag.trim()).filter(Boolean);
        if (tags.length) body.tags = tags;
        const course = await api<Course>("POST", "/v1/courses", { body });
        flash(`Draft “${course.title}” created. Add a section and a lesson, then publish.`);
        navigate(`/teach/courses/${course.id}`);
      },
    );
    return h("section", { class: "narrow" }, h("h1", {}, "Create a course"), element);
  },
};
export default screen;
