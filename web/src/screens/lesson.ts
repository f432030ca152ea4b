import { api, ApiError } from "../api";
import { markdown } from "../markdown";
import { hlsPlayer, type PlaybackToken } from "../player";
import type { Screen } from "../router";
import type { Course, Lesson, Playback, Progress } from "../types";
import { button, errorBox, flash, h, link, progressBar } from "../ui";

let stopPlayer: (() => void) | null = null;

function progressLine(progress: Progress): HTMLElement {
  return h(
    "div",
    { class: "progress", id: "course-progress" },
    h("p", {}, `Course progress: ${progress.percent}% (${progress.completed_lesson_ids.length} of ${progress.total_lessons} lessons)`),
    progressBar("Course progress", progress.percent),
  );
}

const screen: Screen = {
  title: "Lesson",
  async render(params) {
    stopPlayer?.();
    stopPlayer = null;
    const courseId = params.course ?? "";
    const lessonId = params.lesson ?? "";
    const base = `/v1/courses/${encodeURIComponent(courseId)}`;
    const [course, lesson] = await Promise.all([
      api<Course>("GET", base),
      api<Lesson>("GET", `${base}/lessons/${encodeURIComponent(lessonId)}`),
    ]);
    document.title = `${lesson.title} · ${course.title} · Coursewave`;
    let progress: Progress | null = null;
    try {
      progress = await api<Progress>("GET", `${base}/progress`);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 404)) throw error;
    }
    const progressSlot = h("div", {}, progress ? progressLine(progress) : h("p", { class: "hint" }, "Preview lesson: enroll to save your progress."));
    const done = new Set(progress?.completed_lesson_ids ?? []);
    const status = h("p", { class: "lesson-status", "aria-live": "polite" }, done.has(lesson.id) ? "Lesson completed." : "");

    async function complete(): Promise<void> {
      if (!progress) return;
      progress = await api<Progress>("POST", `${base}/lessons/${lesson.id}/complete`);
      progressSlot.replaceChildren(progressLine(progress));
      status.textContent = "Lesson completed.";
      flash(`“${lesson.title}” completed.`);
    }

    const body = h("div", { class: "lesson-body" });
    if (lesson.type === "video") {
      try {
        const playback = await api<Playback>("GET", `${base}/lessons/${lesson.id}/playback`);
        if (playback.type === "hls" && playback.url) {
          const resumeAt = progress?.last_lesson_id === lesson.id ? (progress.last_position_seconds ?? 0) : 0;
          const mediaError = h("p", { class: "media-error", role: "alert" });
          const refreshPath = new URL(playback.refresh_url ?? "", window.location.href).pathname;
          const player = hlsPlayer({
            url: playback.url,
            poster: playback.thumbnail_url,
            resumeAt,
            token: { token: playback.token ?? "", expires_in: playback.expires_in ?? 0 },
            refresh: (token) => api<PlaybackToken>("POST", refreshPath, { body: { token } }),
            onPosition: (seconds) => {
              if (progress) {
                void api("PUT", `${base}/lessons/${lesson.id}/position`, { body: { position_seconds: Math.floor(seconds) } }).catch(() => undefined);
              }
            },
            onEnded: () => void complete().catch((error: unknown) => flash(String(error), "error")),
            onError: (message) => (mediaError.textContent = message),
          });
          stopPlayer = player.destroy;
          body.append(h("div", { class: "player" }, player.element), mediaError);
        } else if (playback.embed_url) {
          body.append(
            h("iframe", {
              src: playback.embed_url,
              title: `Video: ${lesson.title}`,
              allow: "encrypted-media; picture-in-picture; fullscreen",
              referrerpolicy: "strict-origin-when-cross-origin",
              class: "embed",
            }),
          );
        }
      } catch (error) {
        const message = error instanceof ApiError && error.status === 409 ? "This video is still being processed. Try again in a moment." : null;
        body.append(message ? h("p", { class: "flash info" }, message) : errorBox(error));
      }
    }
    if (lesson.content) body.append(markdown(lesson.content));

    const flat = course.sections.flatMap((section) => section.lessons);
    const index = flat.findIndex((item) => item.id === lesson.id);
    const previous = index > 0 ? flat[index - 1] : undefined;
    const next = index >= 0 ? flat[index + 1] : undefined;
    return h(
      "article",
      { class: "lesson" },
      h("p", {}, link(`/courses/${course.slug}`, `← ${course.title}`)),
      h("h1", {}, lesson.title),
      progressSlot,
      body,
      status,
      h(
        "div",
        { class: "actions" },
        progress ? button("Mark lesson as complete", complete) : null,
        previous ? link(`/learn/${course.id}/${previous.id}`, `Previous: ${previous.title}`) : null,
        next ? link(`/learn/${course.id}/${next.id}`, `Next: ${next.title}`) : null,
      ),
    );
  },
};
export default screen;
