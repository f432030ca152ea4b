import { api, formatMoney, type Page } from "../../api";
import { render as rerender, type Screen } from "../../router";
import type { Payment } from "../../types";
import { button, field, flash, h, table, values, when } from "../../ui";

interface AdminPayment extends Payment {
  user_id: string;
}

const screen: Screen = {
  title: "Payments",
  async render(_, query) {
    const filters = h(
      "form",
      { "aria-label": "Filter payments", class: "filters" },
      field({
        name: "status",
        label: "Status",
        value: query.get("status") ?? "",
        options: [["", "Any status"], ["succeeded", "Succeeded"], ["pending", "Pending"], ["refunded", "Refunded"], ["failed", "Failed"], ["cancelled", "Cancelled"], ["expired", "Expired"]],
      }),
      field({ name: "provider", label: "Provider", value: query.get("provider") ?? "", options: [["", "Any provider"], ["stripe", "Stripe"], ["mtn_momo", "MTN MoMo"], ["airtel_money", "Airtel Money"]] }),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Filter")),
    );
    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      const search = new URLSearchParams(Object.entries(values(filters)).filter(([, value]) => value));
      history.replaceState(null, "", `/admin/payments?${search}`);
      void rerender();
    });
    const page = await api<Page<AdminPayment>>("GET", "/v1/admin/payments", { query: { status: query.get("status"), provider: query.get("provider"), limit: 100 } });
    return h(
      "section",
      {},
      h("h1", {}, "Payments and refunds"),
      filters,
      page.items.length
        ? table(
            "Payments",
            ["Date", "Payment", "User", "Amount", "Provider", "Status", "Refund"],
            page.items.map((payment) => [
              when(payment.created_at),
              payment.id,
              payment.user_id,
              formatMoney(payment.amount),
              payment.provider,
              payment.status,
              payment.status === "succeeded"
                ? button(`Refund ${payment.id}`, async () => {
                    if (!window.confirm(`Refund ${formatMoney(payment.amount)} in full? The learner loses access to the course.`)) return;
                    await api("POST", `/v1/admin/payments/${encodeURIComponent(payment.id)}/refund`, { body: {} });
                    flash(`Payment ${payment.id} refunded.`);
                    await rerender();
                  }, { class: "danger" })
                : "",
            ]),
          )
        : h("p", {}, "No payments match."),
    );
  },
};
export default screen;
