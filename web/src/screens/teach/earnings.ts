import { api, formatMoney } from "../../api";
import type { Screen } from "../../router";
import { h, table, when } from "../../ui";

interface Totals {
  currency: string;
  gross: number;
  fees: number;
  commission: number;
  net: number;
  count: number;
}

interface Earnings {
  totals: Totals[];
  by_course: Array<Totals & { course_id: string }>;
  items: Array<{ payment_id: string; course_id: string; provider: string; currency: string; gross: number; instructor_net: number; succeeded_at: string; refunded: boolean }>;
}

const money = (amount: number, currency: string): string => formatMoney({ amount, currency });

const screen: Screen = {
  title: "Earnings",
  async render() {
    const earnings = await api<Earnings>("GET", "/v1/instructor/earnings");
    return h(
      "section",
      {},
      h("h1", {}, "Your earnings"),
      earnings.totals.length
        ? table(
            "Totals by currency",
            ["Currency", "Sales", "Gross", "Provider fees", "Commission", "Net"],
            earnings.totals.map((total) => [total.currency, String(total.count), money(total.gross, total.currency), money(total.fees, total.currency), money(total.commission, total.currency), money(total.net, total.currency)]),
          )
        : h("p", {}, "No sales yet."),
      earnings.items.length
        ? table(
            "Sales",
            ["Date", "Course", "Provider", "Gross", "Net", "Refunded"],
            earnings.items.map((item) => [when(item.succeeded_at), item.course_id, item.provider, money(item.gross, item.currency), money(item.instructor_net, item.currency), item.refunded ? "yes" : "no"]),
          )
        : null,
    );
  },
};
export default screen;
