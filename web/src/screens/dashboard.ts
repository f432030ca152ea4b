import { api, formatMoney, type Page } from "../api";
import type { Screen } from "../router";
import * as session from "../session";
import { type CertificateCard, day } from "../certificates";
import type { CourseSummary, Payment } from "../types";
import { h, link, progressBar, table, when } from "../ui";

interface Dashboard {
  enrollments: Array<{ course: CourseSummary; progress_percent: number; status: string; last_lesson_id: string | null; completed_at: string | null }>;
  certificates: CertificateCard[];
  notifications_unread: number;
}

const screen: Screen = {
  title: "My learning",
  async render() {
    const [dashboard, payments] = await Promise.all([
      api<Dashboard>("GET", "/v1/me/dashboard"),
      api<Page<Payment>>("GET", "/v1/me/payments"),
    ]);
    const courses = dashboard.enrollments.length
      ? h(
          "ul",
          { class: "cards", "aria-label": "My courses" },
          ...dashboard.enrollments.map((entry) =>
            h(
              "li",
              { class: "card" },
              h("h3", {}, link(`/courses/${entry.course.slug}`, entry.course.title)),
              h("p", {}, `${entry.progress_percent}% complete${entry.status === "revoked" ? " · access revoked" : ""}`),
              progressBar(`Progress in ${entry.course.title}`, entry.progress_percent),
              entry.last_lesson_id && entry.status !== "revoked"
                ? h("p", {}, link(`/learn/${entry.course.id}/${entry.last_lesson_id}`, `Continue ${entry.course.title}`))
                : null,
            ),
          ),
        )
      : h("p", {}, "You are not enrolled in any course yet. ", link("/", "Browse the catalog"));
    return h(
      "section",
      {},
      h("h1", {}, `Welcome, ${session.currentUser()?.name ?? ""}`),
      h("h2", {}, "My courses"),
      courses,
      h("h2", {}, "My certificates"),
      dashboard.certificates.length
        ? h(
            "ul",
            { "aria-label": "My certificates" },
            ...dashboard.certificates.map((cert) =>
              h("li", {}, link(`/verify/${encodeURIComponent(cert.id)}`, cert.course_title), h("span", { class: "meta" }, ` issued ${day(cert.issued_at)}`)),
            ),
          )
        : h("p", {}, "No certificate yet."),
      h("p", {}, link("/certificates", "All my certificates and their PDFs")),
      h("h2", {}, "My payments"),
      payments.items.length
        ? table(
            "Payments",
            ["Date", "Amount", "Provider", "Status"],
            payments.items.map((payment) => [when(payment.created_at), formatMoney(payment.amount), payment.provider, link(`/payments/${payment.id}`, payment.status)]),
          )
        : h("p", {}, "No payments yet."),
    );
  },
};
export default screen;
