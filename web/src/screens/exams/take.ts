/** Take an exam: start or resume an attempt, the questions, a countdown to the deadline,
 * answers saved as they change, submit (or the deadline submits), the graded attempt. */
import { api, ApiError } from "../../api";
import { type Answer, type Attempt, type Exam, type Question, type Result, standingText } from "../../exams";
import type { Screen } from "../../router";
import type { Progress } from "../../types";
import { button, errorBox, flash, h, link, loading } from "../../ui";

interface Grade {
  attempt_id: string;
  score_percent: number;
  passed: boolean;
  late: boolean;
  auto_graded: boolean;
  review_available: boolean;
  results: Result[];
}

const SAVE_DELAY_MS = 600;

function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const rest = `${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  return hours ? `${hours}:${rest}` : rest;
}

function answerText(question: Question | undefined, answer: Answer): string {
  if (answer === null || answer === undefined || answer === "") return "no answer";
  if (typeof answer === "boolean") return answer ? "True" : "False";
  const option = (id: string) => question?.options.find((o) => o.id === id)?.text ?? id;
  if (Array.isArray(answer)) return answer.map(option).join(", ") || "no answer";
  return question && question.type !== "short_text" ? option(answer) : answer;
}

function resultView(exam: Exam, grade: Grade, questions: Question[]): HTMLElement {
  const byId = new Map(questions.map((q) => [q.id, q]));
  const verdict = grade.passed ? "Passed" : "Not passed";
  return h(
    "section",
    { class: "exam-result", "aria-labelledby": "result-title" },
    h("h2", { id: "result-title" }, "Your result"),
    h(
      "p",
      { class: grade.passed ? "flash info" : "flash error", role: "status" },
      h("strong", {}, `${verdict}: ${Math.round(grade.score_percent * 10) / 10}%`),
      ` (pass mark ${exam.pass_percent}%)`,
      grade.auto_graded ? " · graded at the deadline" : grade.late ? " · submitted after the deadline" : "",
    ),
    grade.review_available && grade.results.length
      ? h(
          "ol",
          { class: "review", "aria-label": "Review of your answers" },
          ...grade.results.map((result) => {
            const question = byId.get(result.question_id);
            return h(
              "li",
              { class: result.correct ? "done" : "" },
              h("p", {}, h("strong", {}, question?.prompt ?? "Question"), ` — ${result.earned}/${result.points} points`),
              h("p", {}, `Your answer: ${answerText(question, result.your_answer)}`, h("span", { class: result.correct ? "tag ok" : "tag" }, result.correct ? "Correct" : "Incorrect")),
              result.correct ? null : h("p", {}, `Correct answer: ${answerText(question, result.correct_answer)}`),
              result.explanation ? h("p", { class: "meta" }, result.explanation) : null,
            );
          }),
        )
      : h("p", { class: "meta" }, "The answers are not shown for this exam (its review policy)."),
  );
}

function questionView(question: Question, index: number, answer: Answer, onChange: (value: Answer) => void): HTMLElement {
  const legend = h("legend", {}, `${index + 1}. ${question.prompt}`, h("span", { class: "meta" }, ` (${question.points} ${question.points === 1 ? "point" : "points"})`));
  const name = `q-${question.id}`;
  const choice = (type: "radio" | "checkbox", value: string, text: string, checked: boolean) => {
    const id = `${name}-${value}`;
    return h("div", { class: "field checkbox" }, h("input", { type, id, name, value, checked }), h("label", { for: id }, text));
  };
  const set = h("fieldset", { class: "question", "data-question": question.id }, legend);
  if (question.type === "single") {
    set.append(...question.options.map((o) => choice("radio", o.id, o.text, answer === o.id)));
  } else if (question.type === "multiple") {
    const chosen = Array.isArray(answer) ? answer : [];
    set.append(h("p", { class: "hint" }, "Choose every right answer."), ...question.options.map((o) => choice("checkbox", o.id, o.text, chosen.includes(o.id))));
  } else if (question.type === "true_false") {
    set.append(choice("radio", "true", "True", answer === true), choice("radio", "false", "False", answer === false));
  } else {
    const id = `${name}-text`;
    set.append(
      h("div", { class: "field" }, h("label", { for: id }, "Your answer"), h("input", { type: "text", id, name, value: typeof answer === "string" ? answer : "", maxlength: 200, autocomplete: "off" })),
    );
  }
  const read = (): Answer => {
    const inputs = Array.from(set.querySelectorAll<HTMLInputElement>("input"));
    if (question.type === "short_text") return inputs[0]?.value ?? "";
    const checked = inputs.filter((input) => input.checked).map((input) => input.value);
    if (question.type === "multiple") return checked;
    if (question.type === "true_false") return checked.length ? checked[0] === "true" : null;
    return checked[0] ?? null;
  };
  set.addEventListener("input", () => onChange(read()));
  set.addEventListener("change", () => onChange(read()));
  return set;
}

/** The attempt in progress; ``done`` gets the grade once submitted (by the person or the clock). */
function attemptView(exam: Exam, attempt: Attempt, done: (grade: Grade) => void): HTMLElement {
  const answers: Record<string, Answer> = { ...attempt.answers };
  const pending: Record<string, Answer> = {};
  const saveStatus = h("p", { class: "meta", role: "status", "aria-live": "polite" });
  const base = `/v1/exams/${exam.id}/attempts/${attempt.id}`;
  let timer: number | undefined;
  let saving: Promise<void> = Promise.resolve();
  let submitted = false;

  const save = (): Promise<void> => {
    window.clearTimeout(timer);
    const batch = { ...pending };
    if (!Object.keys(batch).length) return saving;
    for (const key of Object.keys(batch)) delete pending[key];
    saving = saving.then(async () => {
      saveStatus.textContent = "Saving…";
      try {
        await api("PUT", `${base}/answers`, { body: { answers: batch } });
        saveStatus.textContent = "All answers saved";
      } catch (error) {
        // Keep them for the next try (unless a newer answer replaced them meanwhile).
        for (const [key, value] of Object.entries(batch)) if (!(key in pending)) pending[key] = value;
        saveStatus.textContent = error instanceof ApiError ? `Not saved: ${error.message}` : "Not saved";
      }
    });
    return saving;
  };

  const submit = async (byClock: boolean): Promise<void> => {
    if (submitted) return;
    submitted = true;
    window.clearInterval(ticker);
    window.clearTimeout(timer);
    await saving;
    try {
      const grade = await api<Grade>("POST", `${base}/submit`, { body: { answers } });
      if (byClock) flash("Time is up: your answers were submitted.");
      done(grade);
    } catch (error) {
      submitted = false;
      if (error instanceof ApiError && error.code === "ATTEMPT_CLOSED") {
        // Graded by the server already (at the deadline): show that.
        const graded = await api<Attempt>("GET", base);
        done({ ...graded, attempt_id: graded.id, score_percent: graded.score_percent ?? 0, passed: !!graded.passed });
        return;
      }
      throw error;
    }
  };

  const remaining = h("span", { class: "countdown" });
  const timerBox = attempt.deadline
    ? h("p", { class: "timer", role: "timer", "aria-label": "Time left" }, "Time left: ", remaining)
    : h("p", { class: "meta" }, "No time limit.");
  const tick = () => {
    if (!attempt.deadline) return;
    if (!timerBox.isConnected && remaining.textContent) {
      window.clearInterval(ticker); // the person left the page: the server grades it at the deadline
      return;
    }
    const left = (Date.parse(attempt.deadline) - Date.now()) / 1000;
    remaining.textContent = clock(left);
    timerBox.classList.toggle("urgent", left <= 60);
    if (left <= 0) void submit(true).catch((error: unknown) => flash(error instanceof ApiError ? error.message : String(error), "error"));
  };
  const ticker = window.setInterval(tick, 1000);
  tick();

  const questions = attempt.questions.map((question, index) =>
    questionView(question, index, answers[question.id] ?? null, (value) => {
      answers[question.id] = value;
      pending[question.id] = value;
      saveStatus.textContent = "Unsaved changes";
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void save(), SAVE_DELAY_MS);
    }),
  );
  return h(
    "form",
    { class: "exam", "aria-label": exam.title, novalidate: true, onsubmit: (event: Event) => event.preventDefault() },
    timerBox,
    ...questions,
    saveStatus,
    h("div", { class: "actions" }, button("Submit answers", () => submit(false))),
  );
}

/** After a pass: the certificate once the whole course is done, else the way back to it. */
async function nextStep(exam: Exam): Promise<HTMLElement> {
  const progress = await api<Progress>("GET", `/v1/courses/${exam.course_id}/progress`).catch(() => null);
  if (progress?.percent === 100) {
    return h("p", {}, link(`/certificates?course=${encodeURIComponent(exam.course_id)}`, "Get my certificate", { class: "button" }));
  }
  return h("p", {}, "Complete the remaining lessons of the course to earn its certificate.");
}

const screen: Screen = {
  title: "Exam",
  async render(params) {
    const examId = encodeURIComponent(params.exam ?? "");
    const exam = await api<Exam>("GET", `/v1/exams/${examId}`);
    document.title = `${exam.title} · Coursewave`;
    const body = h("div", { class: "exam-body" });
    const summary = h("p", { class: "meta" });
    const describe = () => {
      const limit = exam.time_limit_seconds ? `${clock(exam.time_limit_seconds)} to answer` : "no time limit";
      const left = exam.my_standing?.attempts_left;
      summary.textContent = `${exam.questions_per_attempt} questions · ${limit} · pass at ${exam.pass_percent}% · ${left === null || left === undefined ? "unlimited attempts" : `${left} attempts left`} · ${standingText(exam)}`;
    };
    const refresh = async () => {
      Object.assign(exam, await api<Exam>("GET", `/v1/exams/${examId}`));
      describe();
    };
    const showAttempt = (attempt: Attempt) => {
      body.replaceChildren(
        attemptView(exam, attempt, (grade) => {
          body.replaceChildren(resultView(exam, grade, attempt.questions), startButton("Try again"));
          void refresh().then(async () => {
            if (exam.my_standing?.attempts_left === 0) body.querySelector(".start")?.remove();
            if (grade.passed) body.append(await nextStep(exam));
          });
          (body.querySelector("#result-title") as HTMLElement | null)?.focus();
        }),
      );
    };
    const startButton = (text: string) =>
      h(
        "div",
        { class: "start" },
        button(text, async () => {
          const started = await api<Attempt & { attempt_id: string }>("POST", `/v1/exams/${examId}/attempts`);
          showAttempt({ ...started, id: started.attempt_id, status: "in_progress", answers: {}, submitted_at: null, score_percent: null, passed: null, late: false, auto_graded: false, review_available: false, results: [] });
        }),
      );
    describe();
    const open = exam.my_standing?.open_attempt_id;
    if (open) {
      body.replaceChildren(loading("Loading your attempt…"));
      try {
        const attempt = await api<Attempt>("GET", `/v1/exams/${examId}/attempts/${open}`);
        if (attempt.status === "in_progress") showAttempt(attempt);
        else body.replaceChildren(resultView(exam, { ...attempt, attempt_id: attempt.id, score_percent: attempt.score_percent ?? 0, passed: !!attempt.passed }, attempt.questions), startButton("Try again"));
      } catch (error) {
        body.replaceChildren(errorBox(error));
      }
    } else if (exam.my_standing && exam.my_standing.attempts_left !== 0) {
      body.replaceChildren(startButton(exam.my_standing.attempts_used ? "Try again" : "Start the exam"));
    } else if (exam.my_standing) {
      body.replaceChildren(h("p", {}, "You have used every attempt of this exam."));
    } else {
      body.replaceChildren(h("p", {}, "Learners take this exam from the course page."));
    }
    return h("article", { class: "exam-page" }, h("p", {}, link(`/courses/${exam.course_id}`, "Back to the course")), h("h1", {}, exam.title), summary, body);
  },
};
export default screen;
