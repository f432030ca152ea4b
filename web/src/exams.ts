/** The assessments API's shapes (API.md "Assessments") and the course page's exam list. */
import { api, ApiError } from "./api";
import { h, link } from "./ui";

export type Answer = string | boolean | string[] | null;

export interface Question {
  id: string;
  type: "single" | "multiple" | "true_false" | "short_text";
  prompt: string;
  options: Array<{ id: string; text: string }>;
  points: number;
}

export interface Standing {
  attempts_used: number;
  attempts_left: number | null;
  best_score_percent: number | null;
  passed: boolean;
  open_attempt_id: string | null;
}

export interface Exam {
  id: string;
  course_id: string;
  title: string;
  required: boolean;
  pass_percent: number;
  time_limit_seconds: number | null;
  max_attempts: number | null;
  question_count: number;
  questions_per_attempt: number;
  review_policy: string;
  my_standing: Standing | null;
}

export interface Result {
  question_id: string;
  points: number;
  earned: number;
  correct: boolean;
  your_answer: Answer;
  correct_answer: Answer;
  accepted_answers: string[];
  explanation: string | null;
}

export interface Attempt {
  id: string;
  exam_id: string;
  status: "in_progress" | "graded";
  started_at: string;
  deadline: string | null;
  submitted_at: string | null;
  score_percent: number | null;
  passed: boolean | null;
  late: boolean;
  auto_graded: boolean;
  questions: Question[];
  answers: Record<string, Answer>;
  review_available: boolean;
  results: Result[];
}

/** The exams of a course for whoever may see them (enrolled, owner, admin); null otherwise. */
export async function courseExams(courseId: string): Promise<Exam[] | null> {
  try {
    return (await api<{ items: Exam[] }>("GET", `/v1/courses/${courseId}/exams`)).items;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return null;
    throw error;
  }
}

export function standingText(exam: Exam): string {
  const standing = exam.my_standing;
  if (!standing || standing.attempts_used === 0) return "Not attempted yet";
  const best = standing.best_score_percent === null ? "" : ` · best ${Math.round(standing.best_score_percent)}%`;
  return `${standing.passed ? "Passed" : "Not passed yet"}${best}`;
}

export function examList(exams: Exam[], owner: boolean): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "exams-title" },
    h("h2", { id: "exams-title" }, "Exams"),
    exams.length
      ? h(
          "ul",
          { class: "exams" },
          ...exams.map((exam) =>
            h(
              "li",
              {},
              link(`/exams/${exam.id}`, exam.title),
              exam.required ? h("span", { class: "tag" }, "Required") : null,
              h("span", { class: "meta" }, ` ${exam.question_count} questions · pass at ${exam.pass_percent}%`),
              !owner ? h("span", { class: exam.my_standing?.passed ? "tag ok" : "tag" }, standingText(exam)) : null,
            ),
          ),
        )
      : h("p", {}, "This course has no exam."),
  );
}
