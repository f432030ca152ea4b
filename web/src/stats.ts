/** The analytics API's shapes (API.md "Admin stats", course stats) and the date-range form. */
import { fractionDigits } from "./money";
import { field, form, h, showError } from "./ui";

export interface Counters {
  new_users: number;
  enrollments: number;
  revocations: number;
  completions: number;
  lesson_completions: number;
  watch_seconds: number;
}

export interface Day extends Counters {
  day: string;
}

export interface MoneySums {
  currency: string;
  gross: number;
  fees: number;
  commission: number;
  net: number;
  count: number;
  refunded_count: number;
  refunded_gross: number;
}

export interface Range {
  from: string;
  to: string;
}

export type RangeQuery = { from?: string; to?: string };

/** A dashboard: the date-range form (empty fields: the API's default, the last 30 days) and
 * what ``build`` makes for the range. A range the API refuses is shown on the form. */
export async function rangedDashboard(path: string, query: URLSearchParams, build: (range: RangeQuery) => Promise<Node[]>): Promise<Node[]> {
  const body = h("div", { class: "dashboard" });
  const show = async (range: RangeQuery) => {
    body.setAttribute("aria-busy", "true");
    try {
      body.replaceChildren(...(await build(range)));
    } finally {
      body.removeAttribute("aria-busy");
    }
  };
  const element = form(
    "Date range",
    [field({ name: "from", label: "From", type: "date", value: query.get("from") ?? "" }), field({ name: "to", label: "To", type: "date", value: query.get("to") ?? "" })],
    "Show",
    async (data) => {
      const range: RangeQuery = { from: data.from || undefined, to: data.to || undefined };
      await show(range);
      const search = new URLSearchParams(Object.entries(range).filter((entry): entry is [string, string] => !!entry[1]));
      history.replaceState(null, "", search.size ? `${path}?${search}` : path);
    },
  );
  element.classList.add("filters");
  try {
    await show({ from: query.get("from") ?? undefined, to: query.get("to") ?? undefined });
  } catch (error) {
    showError(element, error);
  }
  return [element, body];
}

/** Minor units → the currency's major units, for a chart axis. */
export function major(amount: number, currency: string): number {
  return amount / 10 ** fractionDigits(currency);
}

/** A formatter of major-unit amounts in ``currency`` (zero reads "$0.00", not "Free"). */
export function money(currency: string): (value: number) => string {
  const format = new Intl.NumberFormat("en", { style: "currency", currency });
  return (value) => format.format(value);
}

export function hours(seconds: number): string {
  return `${Math.round((seconds / 3600) * 10) / 10} h`;
}
