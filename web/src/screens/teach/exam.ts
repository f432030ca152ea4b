/** An instructor creates an exam for a course: its settings and a few questions. */
import { api } from "../../api";
import type { Exam } from "../../exams";
import { navigate, type Screen } from "../../router";
import type { Course } from "../../types";
import { button, checkbox, field, flash, form, h } from "../../ui";

const TYPES: Array<[string, string]> = [
  ["single", "One right answer"],
  ["multiple", "Several right answers"],
  ["true_false", "True or false"],
  ["short_text", "Short text"],
];

function questionBlock(index: number): HTMLElement {
  const prefix = `questions.${index}`;
  return h(
    "fieldset",
    { class: "question", "data-index": index },
    h("legend", {}, `Question ${index + 1}`),
    field({ name: `${prefix}.type`, label: `Question ${index + 1} type`, options: TYPES }),
    field({ name: `${prefix}.prompt`, label: `Question ${index + 1} prompt`, required: true }),
    field({ name: `${prefix}.options`, label: `Question ${index + 1} options`, multiline: true, hint: "One option per line (choice questions only)." }),
    field({
      name: `${prefix}.answer`,
      label: `Question ${index + 1} correct answer`,
      required: true,
      hint: "Choice: the right option's number (1 is the first line), several comma separated; true or false; or the expected text.",
    }),
    field({ name: `${prefix}.points`, label: `Question ${index + 1} points`, type: "number", value: "1", min: 1, step: "1" }),
    h("p", { class: "field-error", "data-error-for": prefix }),
  );
}

/** The typed question from the form's text fields (the API validates it and says what is wrong). */
function question(data: Record<string, string>, index: number): Record<string, unknown> {
  const get = (name: string) => (data[`questions.${index}.${name}`] ?? "").trim();
  const type = get("type") || "single";
  const raw = get("answer");
  const numbers = raw.split(",").map((part) => Number(part.trim()) - 1);
  let answer: unknown = raw;
  if (type === "single" && numbers.length === 1 && Number.isInteger(numbers[0])) answer = numbers[0];
  if (type === "multiple" && raw && numbers.every(Number.isInteger)) answer = numbers;
  if (type === "true_false" && /^(true|false)$/i.test(raw)) answer = raw.toLowerCase() === "true";
  const body: Record<string, unknown> = { type, prompt: get("prompt"), answer, points: Number(get("points") || "1") };
  if (type === "single" || type === "multiple") {
    body.options = get("options").split("\n").map((line) => line.trim()).filter(Boolean);
  }
  return body;
}

const screen: Screen = {
  title: "New exam",
  async render(params) {
    const course = await api<Course>("GET", `/v1/courses/${encodeURIComponent(params.course ?? "")}`);
    let count = 0;
    const questions = h("div", { class: "questions" }, questionBlock(count++));
    const element = form(
      `New exam for ${course.title}`,
      [
        field({ name: "title", label: "Exam title", required: true }),
        field({ name: "pass_percent", label: "Pass mark (%)", type: "number", value: "70", min: 0, max: 100 }),
        field({ name: "time_limit_minutes", label: "Time limit (minutes)", type: "number", min: 1, hint: "Empty for no limit." }),
        field({ name: "max_attempts", label: "Attempts allowed", type: "number", min: 1, hint: "Empty for unlimited." }),
        field({
          name: "review_policy",
          label: "Show the answers",
          value: "after_submit",
          options: [
            ["after_submit", "After each attempt"],
            ["after_pass", "Once passed"],
            ["after_last_attempt", "After the last attempt"],
            ["never", "Never"],
          ],
        }),
        checkbox("required", "Required for the certificate", true),
        questions,
        button("Add a question", () => {
          questions.append(questionBlock(count++));
          questions.querySelector<HTMLElement>(`[data-index="${count - 1}"] select`)?.focus();
        }),
      ],
      "Create exam",
      async (data) => {
        const body: Record<string, unknown> = {
          title: data.title,
          pass_percent: Number(data.pass_percent || "0"),
          required: data.required === "on",
          review_policy: data.review_policy,
          questions: Array.from({ length: count }, (_, index) => question(data, index)),
        };
        if (data.time_limit_minutes) body.time_limit_seconds = Math.round(Number(data.time_limit_minutes) * 60);
        if (data.max_attempts) body.max_attempts = Number(data.max_attempts);
        const exam = await api<Exam>("POST", `/v1/courses/${course.id}/exams`, { body });
        flash(`Exam “${exam.title}” created with ${exam.question_count} questions.`);
        navigate(`/courses/${course.slug}`);
      },
    );
    return h("section", { class: "narrow" }, h("h1", {}, `New exam for ${course.title}`), element);
  },
};
export default screen;
