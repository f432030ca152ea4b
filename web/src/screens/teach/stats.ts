/** An instructor's course stats: enrollments and completions per day, the lesson drop-off,
 * watch time and the rating, with the reviews one click away. */
import { api } from "../../api";
import { chart, dayLabel } from "../../charts";
import type { Screen } from "../../router";
import { type Counters, type Day, hours, type Range, rangedDashboard, type RangeQuery } from "../../stats";
import type { Course } from "../../types";
import { h, link } from "../../ui";

interface CourseStats extends Range {
  course_id: string;
  enrollment_count: number;
  totals: Counters;
  days: Day[];
  lessons: Array<{ lesson_id: string; title: string; position: number; completions: number; completion_percent: number; watch_seconds: number }>;
  rating: { average: number; count: number } | null;
}

const screen: Screen = {
  title: "Course stats",
  async render(params, query) {
    const id = encodeURIComponent(params.course ?? "");
    const course = await api<Course>("GET", `/v1/courses/${id}`);
    document.title = `Stats of ${course.title} · Coursewave`;
    return h(
      "section",
      { class: "stats" },
      h("h1", {}, `Stats: ${course.title}`),
      ...(await rangedDashboard(`/teach/courses/${course.id}/stats`, query, (range) => build(course, range))),
      h("p", {}, link(`/courses/${course.slug}/reviews`, "Read and answer the reviews"), " · ", link(`/teach/courses/${course.id}/students`, "Students")),
    );
  },
};

async function build(course: Course, range: RangeQuery): Promise<Node[]> {
  const stats = await api<CourseStats>("GET", `/v1/courses/${course.id}/stats`, { query: range });
  const rating = stats.rating && stats.rating.count ? `${stats.rating.average.toFixed(1)} / 5 (${stats.rating.count} reviews)` : "No review yet";
  return [
    h("p", { class: "meta" }, `From ${stats.from} to ${stats.to} (UTC days).`),
    h(
      "ul",
      { class: "tiles", "aria-label": "Totals" },
      h("li", { class: "card tile" }, h("p", { class: "meta" }, "Learners"), h("p", { class: "figure" }, String(stats.enrollment_count))),
      h("li", { class: "card tile" }, h("p", { class: "meta" }, "Enrollments in range"), h("p", { class: "figure" }, String(stats.totals.enrollments))),
      h("li", { class: "card tile" }, h("p", { class: "meta" }, "Completions in range"), h("p", { class: "figure" }, String(stats.totals.completions))),
      h("li", { class: "card tile" }, h("p", { class: "meta" }, "Watch time"), h("p", { class: "figure" }, hours(stats.totals.watch_seconds))),
      h("li", { class: "card tile" }, h("p", { class: "meta" }, "Rating"), h("p", { class: "figure" }, rating)),
    ),
    chart({
      id: "course-per-day",
      title: "Enrollments and completions per day",
      kind: "bar",
      labels: stats.days.map((day) => dayLabel(day.day)),
      series: [
        { label: "Enrollments", values: stats.days.map((day) => day.enrollments) },
        { label: "Completions", values: stats.days.map((day) => day.completions) },
      ],
    }),
    stats.lessons.length
      ? chart({
          id: "lesson-drop-off",
          title: "Learners who completed each lesson (%)",
          kind: "bar",
          horizontal: true,
          labels: stats.lessons.map((lesson) => `${lesson.position}. ${lesson.title}`),
          series: [{ label: "Completed (%)", values: stats.lessons.map((lesson) => lesson.completion_percent) }],
          format: (value) => `${value}%`,
        })
      : h("p", {}, "This course has no lesson yet."),
  ];
}
export default screen;
