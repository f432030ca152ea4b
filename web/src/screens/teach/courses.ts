import { api, type Page } from "../../api";
import type { Screen } from "../../router";
import * as session from "../../session";
import type { CourseSummary } from "../../types";
import { h, link, table } from "../../ui";

const screen: Screen = {
  title: "Teach",
  async render() {
    const me = session.currentUser();
    const page = await api<Page<CourseSummary>>("GET", "/v1/courses", { query: { instructor_id: me?.id, limit: 100 } });
    return h(
      "section",
      {},
      h("h1", {}, "Your courses"),
      h("p", {}, link("/teach/new", "Create a course", { class: "button" }), " ", link("/teach/earnings", "See your earnings")),
      page.items.length
        ? table(
            "Published courses",
            ["Course", "Learners", "Lessons", "Manage"],
            page.items.map((course) => [
              link(`/courses/${course.slug}`, course.title),
              String(course.enrollment_count),
              String(course.lesson_count),
              h("span", {}, link(`/teach/courses/${course.id}`, `Edit ${course.title}`), " · ", link(`/teach/courses/${course.id}/students`, `Students of ${course.title}`)),
            ]),
          )
        : h("p", {}, "No published course yet."),
    );
  },
};
export default screen;
