import { api, formatMoney, type Money, type Page } from "../../api";
import { toMinor } from "../../money";
import { render as rerender, type Screen } from "../../router";
import { button, field, flash, form, h, table, when } from "../../ui";

interface Coupon {
  code: string;
  percent_off: number | null;
  amount_off: Money | null;
  course_id: string | null;
  max_redemptions: number | null;
  expires_at: string | null;
  active: boolean;
  redemptions: number;
}

const screen: Screen = {
  title: "Coupons",
  async render() {
    const page = await api<Page<Coupon>>("GET", "/v1/admin/coupons", { query: { limit: 100 } });
    const create = form(
      "New coupon",
      [
        field({ name: "code", label: "Code", required: true, hint: "Letters, digits and dashes." }),
        field({ name: "percent_off", label: "Percent off", type: "number", min: 1, max: 100, hint: "Either a percentage…" }),
        field({ name: "amount_off", label: "Amount off", type: "number", min: 0, step: "0.01", hint: "…or an amount." }),
        field({ name: "currency", label: "Currency of the amount", options: [["USD", "USD"], ["EUR", "EUR"], ["RWF", "RWF"], ["UGX", "UGX"]] }),
        field({ name: "course_id", label: "Only for course (id)" }),
        field({ name: "max_redemptions", label: "Maximum redemptions", type: "number", min: 1 }),
        field({ name: "expires_at", label: "Expires at", type: "datetime-local" }),
      ],
      "Create coupon",
      async (data) => {
        const body: Record<string, unknown> = { code: data.code };
        if (data.percent_off) body.percent_off = Number(data.percent_off);
        if (data.amount_off) body.amount_off = { amount: toMinor(data.amount_off, data.currency ?? "USD"), currency: data.currency };
        if (data.course_id) body.course_id = data.course_id;
        if (data.max_redemptions) body.max_redemptions = Number(data.max_redemptions);
        if (data.expires_at) body.expires_at = new Date(data.expires_at).toISOString().replace(/\.\d{3}Z$/, "Z");
        await api("POST", "/v1/admin/coupons", { body });
        flash(`Coupon ${String(data.code)} created.`);
        await rerender();
      },
    );
    return h(
      "section",
      {},
      h("h1", {}, "Coupons"),
      page.items.length
        ? table(
            "Coupons",
            ["Code", "Discount", "Course", "Used", "Expires", "Active"],
            page.items.map((coupon) => [
              coupon.code,
              coupon.percent_off ? `${coupon.percent_off}%` : formatMoney(coupon.amount_off),
              coupon.course_id ?? "any",
              `${coupon.redemptions}${coupon.max_redemptions ? ` / ${coupon.max_redemptions}` : ""}`,
              when(coupon.expires_at),
              button(coupon.active ? `Deactivate ${coupon.code}` : `Activate ${coupon.code}`, async () => {
                await api("PATCH", `/v1/admin/coupons/${encodeURIComponent(coupon.code)}`, { body: { active: !coupon.active } });
                await rerender();
              }),
            ]),
          )
        : h("p", {}, "No coupons yet."),
      h("h2", {}, "New coupon"),
      create,
    );
  },
};
export default screen;
