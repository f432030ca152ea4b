import { api, type Page } from "../../api";
import type { Screen } from "../../router";
import type { Course } from "../../types";
import { button, h, link, table, when } from "../../ui";

interface Student {
  user: { id: string; name: string; email: string };
  enrolled_at: string;
  progress_percent: number;
  completed_at: string | null;
}

const screen: Screen = {
  title: "Students",
  async render(params) {
    const course = await api<Course>("GET", `/v1/courses/${encodeURIComponent(params.course ?? "")}`);
    const rows = h("div", {});
    const more = h("div", {});
    const all: Student[] = [];
    const load = async (cursor: string | null): Promise<void> => {
      const page = await api<Page<Student>>("GET", `/v1/courses/${course.id}/students`, { query: { cursor, limit: 50 } });
      all.push(...page.items);
      rows.replaceChildren(
        all.length
          ? table(
              `Students of ${course.title}`,
              ["Name", "Email", "Enrolled", "Progress", "Completed"],
              all.map((student) => [student.user.name, student.user.email, when(student.enrolled_at), `${student.progress_percent}%`, when(student.completed_at)]),
            )
          : h("p", {}, "No students yet."),
      );
      more.replaceChildren(page.next_cursor ? button("Load more students", () => load(page.next_cursor)) : "");
    };
    await load(null);
    return h("section", {}, h("h1", {}, `Students — ${course.title}`), h("p", {}, link(`/teach/courses/${course.id}`, "Back to the course")), rows, more);
  },
};
export default screen;
