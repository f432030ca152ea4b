/** Charts drawn with Chart.js (only the parts used are registered, so the bundle stays small).
 * Each chart is a canvas with an accessible name and, beside it, the same numbers as a table. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { h, table } from "./ui";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const COLORS = ["#1f5fbf", "#1e7a3c", "#b07600", "#b3261e", "#6b3fa0", "#00838f"];

export interface Series {
  label: string;
  values: number[];
}

interface ChartSpec {
  id: string;
  title: string;
  kind: "bar" | "line";
  labels: string[];
  series: Series[];
  /** Horizontal bars (a ranking with long names). */
  horizontal?: boolean;
  /** How a value reads in the table (money, percents). */
  format?: (value: number) => string;
}

/** A titled figure: the chart (drawn once it is in the page) and its numbers in a table. */
export function chart(spec: ChartSpec): HTMLElement {
  const canvas = h("canvas", { role: "img", "aria-label": `${spec.title} (chart; the numbers are in the table below it)` });
  const format = spec.format ?? ((value: number) => String(value));
  const figure = h(
    "figure",
    { class: "chart", id: spec.id, "data-chart": spec.id },
    h("figcaption", {}, spec.title),
    h("div", { class: "chart-canvas" }, canvas),
    h(
      "details",
      {},
      h("summary", {}, `${spec.title}: the numbers`),
      table(spec.title, ["", ...spec.series.map((series) => series.label)], spec.labels.map((label, index) => [label, ...spec.series.map((series) => format(series.values[index] ?? 0))])),
    ),
  );
  const config: ChartConfiguration<"bar" | "line"> = {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, index) => ({
        label: series.label,
        data: series.values,
        backgroundColor: COLORS[index % COLORS.length],
        borderColor: COLORS[index % COLORS.length],
        tension: 0.2,
      })),
    },
    options: {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false, // drawn at once: nothing moves for people who get motion sick, tests see it drawn
      // Counts have whole ticks; money and percents keep Chart.js's own steps.
      scales: { x: { beginAtZero: true, ticks: { precision: spec.format ? undefined : 0 } }, y: { beginAtZero: true, ticks: { precision: spec.format ? undefined : 0 } } },
      plugins: { legend: { display: spec.series.length > 1 }, tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } } },
    },
  };
  // Chart.js measures its container: draw once the figure is in the document.
  requestAnimationFrame(function draw() {
    if (!canvas.isConnected) {
      if (figure.dataset.tries === "20") return;
      figure.dataset.tries = String(Number(figure.dataset.tries ?? 0) + 1);
      requestAnimationFrame(draw);
      return;
    }
    new Chart(canvas, config);
    figure.dataset.drawn = "true";
  });
  return figure;
}

/** ``YYYY-MM-DD`` → a short label ("Nov 3"). */
export function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
}
