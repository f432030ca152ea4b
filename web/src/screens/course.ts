import { api, ApiError, formatMoney, idempotencyKey, type Money } from "../api";
import { navigate, type Screen } from "../router";
import * as session from "../session";
import { minutes, type Course, type Enrollment, type Progress } from "../types";
import { button, field, flash, form, h, link, progressBar } from "../ui";
import { markdown } from "../markdown";
import { courseExams, examList } from "../exams";
import { community } from "../community";

interface Checkout {
  payment_id: string;
  status: string;
  checkout_url: string | null;
}

async function myEnrollment(courseId: string): Promise<Enrollment | null> {
  if (!session.currentUser()) return null;
  try {
    return await api<Enrollment>("GET", `/v1/courses/${courseId}/enrollment`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function buyForm(course: Course): HTMLElement {
  const prices: Money[] = [course.price, ...(course.prices ?? [])];
  const key = idempotencyKey(); // one purchase per visit of this page, however often it is clicked
  return form(
    "Buy this course",
    [
      field({
        name: "provider",
        label: "Pay with",
        options: [
          ["stripe", "Card (Stripe)"],
          ["mtn_momo", "MTN Mobile Money"],
          ["airtel_money", "Airtel Money"],
        ],
      }),
      field({ name: "currency", label: "Currency", options: prices.map((price) => [price.currency, `${price.currency} — ${formatMoney(price)}`]) }),
      field({ name: "phone", label: "Phone number (mobile money)", type: "tel", autocomplete: "tel", hint: "With the country code, e.g. 250788123456." }),
      field({ name: "coupon_code", label: "Coupon code" }),
    ],
    `Buy for ${formatMoney(course.price)}`,
    async (data) => {
      const body: Record<string, string> = { course_id: course.id, provider: data.provider ?? "stripe", currency: data.currency ?? course.price.currency };
      if (data.phone) body.phone = data.phone.replace(/[\s+()-]/g, "");
      if (data.coupon_code) body.coupon_code = data.coupon_code;
      const checkout = await api<Checkout>("POST", "/v1/payments/checkout", { body, headers: { "Idempotency-Key": key } });
      if (checkout.checkout_url) {
        window.location.assign(checkout.checkout_url);
        return;
      }
      navigate(`/payments/${encodeURIComponent(checkout.payment_id)}`);
    },
  );
}

function outline(course: Course, canOpen: boolean, progress: Progress | null): HTMLElement {
  const done = new Set(progress?.completed_lesson_ids ?? []);
  return h(
    "section",
    { "aria-labelledby": "outline-title" },
    h("h2", { id: "outline-title" }, "Course content"),
    ...course.sections.map((section) =>
      h(
        "div",
        { class: "section" },
        h("h3", {}, section.title),
        h(
          "ol",
          { class: "lessons" },
          ...section.lessons.map((lesson) => {
            const label = `${lesson.title}${lesson.type === "video" ? " (video)" : ""}`;
            const locked = lesson.locked_until && new Date(lesson.locked_until) > new Date();
            const opens = !locked && (canOpen || (lesson.preview && !!session.currentUser()));
            return h(
              "li",
              { class: done.has(lesson.id) ? "done" : "" },
              opens ? link(`/learn/${course.id}/${lesson.id}`, label) : h("span", {}, label),
              lesson.preview && !canOpen ? h("span", { class: "tag" }, "Preview") : null,
              locked ? h("span", { class: "tag" }, `Opens ${new Date(lesson.locked_until ?? "").toLocaleDateString()}`) : null,
              done.has(lesson.id) ? h("span", { class: "tag ok" }, "Completed") : null,
              lesson.duration_seconds ? h("span", { class: "meta" }, ` ${minutes(lesson.duration_seconds)}`) : null,
            );
          }),
        ),
      ),
    ),
  );
}

const screen: Screen = {
  title: "Course",
  async render(params) {
    // Notification links lead to a part of the page: /courses/{id}/comments, …/reviews, …/announcements.
    const part = params.part;
    const course = await api<Course>("GET", `/v1/courses/${encodeURIComponent(params.course ?? "")}`);
    document.title = `${course.title} · Coursewave`;
    const enrollment = await myEnrollment(course.id);
    // A revoked (refunded) enrollment answers 404: the course can be bought again.
    const active = enrollment !== null;
    const owner = session.currentUser()?.id === course.instructor.id || session.hasRole("admin");
    const [progress, exams] = await Promise.all([
      active ? api<Progress>("GET", `/v1/courses/${course.id}/progress`) : null,
      active || owner ? courseExams(course.id) : null,
    ]);
    let action: Node;
    if (active && progress) {
      const next = progress.last_lesson_id ?? course.sections[0]?.lessons[0]?.id;
      action = h(
        "div",
        { class: "enrolled" },
        h("p", {}, h("strong", {}, "You are enrolled."), ` Progress: ${progress.percent}%`),
        progressBar("Course progress", progress.percent),
        next ? h("p", {}, link(`/learn/${course.id}/${next}`, progress.last_lesson_id ? "Continue learning" : "Start learning", { class: "button" })) : null,
      );
    } else if (!session.currentUser()) {
      action = h("p", {}, link(`/login?next=${encodeURIComponent(`/courses/${course.slug}`)}`, "Log in to enroll", { class: "button" }));
    } else if (course.price.amount === 0) {
      action = button("Enroll for free", async () => {
        await api("POST", `/v1/courses/${course.id}/enroll`, { headers: { "Idempotency-Key": idempotencyKey() } });
        flash(`You are enrolled in ${course.title}.`);
        navigate(`/courses/${course.slug}`, true);
      });
    } else {
      action = buyForm(course);
    }
    const article = h(
      "article",
      { class: "course" },
      h("h1", {}, course.title),
      course.subtitle ? h("p", { class: "lead" }, course.subtitle) : null,
      h(
        "p",
        { class: "meta" },
        `By ${course.instructor.name} · ${course.level} · ${course.lesson_count} lessons · ${course.enrollment_count} learners · `,
        h("strong", {}, formatMoney(course.price)),
        course.status !== "published" ? h("span", { class: "tag" }, course.status) : null,
      ),
      owner ? h("p", {}, link(`/teach/courses/${course.id}`, "Edit this course")) : null,
      action,
      h("section", { class: "description" }, markdown(course.description)),
      outline(course, active || owner, progress),
      exams ? examList(exams, owner && !active) : null,
      owner ? h("p", {}, link(`/teach/courses/${course.id}/exams/new`, "Create an exam")) : null,
      ...community({ courseId: course.id, learner: active, owner, admin: session.hasRole("admin") }, course.status === "published"),
    );
    if (part) window.setTimeout(() => article.querySelector<HTMLElement>(`#${CSS.escape(part)} h2`)?.focus(), 0);
    return article;
  },
};
export default screen;
