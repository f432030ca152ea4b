/** The platform's dashboards: totals, enrollments and revenue per day, top courses, providers. */
import { api } from "../../api";
import { chart, dayLabel } from "../../charts";
import type { Screen } from "../../router";
import { type Counters, type Day, hours, major, money, type MoneySums, type Range, rangedDashboard, type RangeQuery } from "../../stats";
import { h, link, table } from "../../ui";

interface Overview extends Range {
  totals: Counters;
  revenue: MoneySums[];
  days: Day[];
  revenue_by_day: Array<MoneySums & { day: string }>;
}

interface Ranking extends Range {
  course_count: number;
  items: Array<Counters & { course_id: string; title: string | null }>;
}

interface PaymentStats extends Range {
  totals: MoneySums[];
  by_provider: Array<MoneySums & { provider: string }>;
}

function tile(label: string, value: string): HTMLElement {
  return h("li", { class: "card tile" }, h("p", { class: "meta" }, label), h("p", { class: "figure" }, value));
}

const screen: Screen = {
  title: "Platform stats",
  async render(_params, query) {
    return h("section", { class: "stats" }, h("h1", {}, "Platform stats"), ...(await rangedDashboard("/admin/stats", query, build)), h("p", {}, link("/admin/payments", "All payments")));
  },
};

async function build(range: RangeQuery): Promise<Node[]> {
  const [overview, ranking, payments] = await Promise.all([
    api<Overview>("GET", "/v1/admin/stats/overview", { query: range }),
    api<Ranking>("GET", "/v1/admin/stats/courses", { query: { ...range, limit: 10 } }),
    api<PaymentStats>("GET", "/v1/admin/stats/payments", { query: range }),
  ]);
  const days = overview.days.map((day) => day.day);
  const currencies = [...new Set(overview.revenue_by_day.map((row) => row.currency))].sort();
  const revenue = currencies.map((currency) => {
    const byDay = new Map(overview.revenue_by_day.filter((row) => row.currency === currency).map((row) => [row.day, row.gross]));
    return { currency, values: days.map((day) => major(byDay.get(day) ?? 0, currency)) };
  });
  const totals = overview.totals;
  return [
    h("p", { class: "meta" }, `From ${overview.from} to ${overview.to} (UTC days).`),
    h(
      "ul",
      { class: "tiles", "aria-label": "Totals" },
      tile("New users", String(totals.new_users)),
      tile("Enrollments", String(totals.enrollments)),
      tile("Completions", String(totals.completions)),
      tile("Watch time", hours(totals.watch_seconds)),
      ...overview.revenue.map((sums) => tile(`Revenue (${sums.currency})`, money(sums.currency)(major(sums.gross, sums.currency)))),
    ),
    chart({
      id: "enrollments-per-day",
      title: "Enrollments per day",
      kind: "bar",
      labels: days.map(dayLabel),
      series: [
        { label: "Enrollments", values: overview.days.map((day) => day.enrollments) },
        { label: "Completions", values: overview.days.map((day) => day.completions) },
      ],
    }),
    ...(revenue.length
      ? revenue.map(({ currency, values }) =>
          chart({ id: `revenue-per-day-${currency}`, title: `Revenue per day (${currency})`, kind: "line", labels: days.map(dayLabel), series: [{ label: `Gross ${currency}`, values }], format: money(currency) }),
        )
      : [h("p", {}, "No revenue in this range.")]),
    ranking.items.length
      ? chart({
          id: "top-courses",
          title: "Top courses by enrollments",
          kind: "bar",
          horizontal: true,
          labels: ranking.items.map((item) => item.title ?? "(deleted course)"),
          series: [
            { label: "Enrollments", values: ranking.items.map((item) => item.enrollments) },
            { label: "Completions", values: ranking.items.map((item) => item.completions) },
          ],
        })
      : h("p", {}, "No course activity in this range."),
    h("h2", {}, "Payments by provider"),
    payments.by_provider.length
      ? table(
          "Payments by provider",
          ["Provider", "Currency", "Payments", "Gross", "Fees", "Net", "Refunded"],
          payments.by_provider.map((row) => {
            const format = money(row.currency);
            return [row.provider, row.currency, row.count, format(major(row.gross, row.currency)), format(major(row.fees, row.currency)), format(major(row.net, row.currency)), row.refunded_count];
          }),
        )
      : h("p", {}, "No payment in this range."),
  ];
}
export default screen;
