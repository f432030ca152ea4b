import { api, formatMoney } from "../api";
import { config } from "../config";
import type { Screen } from "../router";
import type { Course, Payment } from "../types";
import { h, link, loading } from "../ui";

const POLL_MS = 1500;
const GIVE_UP_MS = 5 * 60 * 1000;

const MESSAGES: Record<Payment["status"], string> = {
  pending: "Waiting for the payment to be confirmed…",
  succeeded: "Payment received. You are enrolled.",
  failed: "The payment failed. Nothing was charged.",
  cancelled: "The payment was cancelled.",
  expired: "The payment request expired.",
  refunded: "This payment was refunded.",
};

let timer: number | undefined;

const screen: Screen = {
  title: "Payment",
  async render(params, query) {
    window.clearTimeout(timer);
    const id = params.payment ?? "";
    const path = `/v1/payments/${encodeURIComponent(id)}`;
    let payment = await api<Payment>("GET", path);
    const course = await api<Course>("GET", `/v1/courses/${encodeURIComponent(payment.course_id)}`);
    const status = h("div", { role: "status", "aria-live": "polite" });
    const started = Date.now();
    const paint = (): void => {
      const items: Node[] = [h("p", { class: `payment-status ${payment.status}` }, MESSAGES[payment.status])];
      if (payment.status === "pending") {
        items.push(loading(payment.provider === "stripe" ? "Confirming your card payment…" : "Approve the payment request on your phone. This page updates by itself."));
      }
      if (payment.status === "succeeded") items.push(h("p", {}, link(`/courses/${course.slug}`, "Go to the course", { class: "button" })));
      else if (payment.status !== "pending") items.push(h("p", {}, link(`/courses/${course.slug}`, "Back to the course")));
      status.replaceChildren(...items);
    };
    const poll = async (): Promise<void> => {
      if (!document.body.contains(status)) return; // the learner navigated away
      try {
        payment = await api<Payment>("GET", path);
      } finally {
        paint();
        if (payment.status === "pending" && Date.now() - started < GIVE_UP_MS) timer = window.setTimeout(() => void poll(), POLL_MS);
      }
    };
    paint();
    // Local mode has no phone: the provider fake's approval page stands in for it.
    let phone: HTMLElement | null = null;
    if (config().local_mode && payment.status === "pending" && payment.provider !== "stripe") {
      const found = await api<{ approval_url: string }>("GET", `/_local/payments/${encodeURIComponent(id)}/approval`, { auth: false });
      phone = h(
        "p",
        { class: "hint" },
        "Local mode: ",
        h("a", { href: found.approval_url, target: "_blank", rel: "noopener" }, "open the phone's approval page"),
        " (the provider fake) in a new tab.",
      );
    }
    if (payment.status === "pending") timer = window.setTimeout(() => void poll(), POLL_MS);
    return h(
      "section",
      { class: "narrow" },
      h("h1", {}, "Your payment"),
      query.get("result") === "cancelled" ? h("p", { class: "flash info" }, "You left the checkout page without paying.") : null,
      h("p", {}, `${course.title} — ${formatMoney(payment.amount)} (${payment.provider.replace("_", " ")})`),
      status,
      phone,
    );
  },
};
export default screen;
