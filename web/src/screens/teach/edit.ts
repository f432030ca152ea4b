import { api, ApiError, formatMoney } from "../../api";
import { navigate, render as rerender, type Screen } from "../../router";
import type { Course, Section } from "../../types";
import { uploadVideo } from "../../upload";
import { button, checkbox, field, flash, form, h, link, progressBar } from "../../ui";

const COURSE_CATCH_UP_MS = 30_000;

/** Create a lesson; while the courses domain has not yet heard that the video is ready it
 * answers 409, so that is retried for a short while. */
async function createLesson(courseId: string, body: Record<string, unknown>): Promise<void> {
  const deadline = Date.now() + COURSE_CATCH_UP_MS;
  for (;;) {
    try {
      await api("POST", `/v1/courses/${courseId}/lessons`, { body });
      return;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409 || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function lessonForm(course: Course, section: Section): HTMLElement {
  const uploadBar = progressBar("Upload progress", 0);
  const transcodeBar = progressBar("Transcode progress", 0);
  const uploadStatus = h("p", { class: "upload-status", "aria-live": "polite" });
  const fileField = h(
    "div",
    { class: "field", "data-field": "video" },
    h("label", { for: `file-${section.id}` }, "Video file"),
    h("input", { id: `file-${section.id}`, name: "file", type: "file", accept: "video/mp4,video/quicktime,video/x-matroska,video/webm" }),
    h("small", { class: "hint" }, "For a video lesson: MP4, MOV, MKV or WebM."),
    h("p", { class: "field-error", "data-error-for": "video" }),
  );
  const progress = h(
    "div",
    { class: "upload-progress", hidden: true },
    h("p", {}, "Upload ", uploadBar),
    h("p", {}, "Processing ", transcodeBar),
    uploadStatus,
  );
  const element = form(
    `Add a lesson to ${section.title}`,
    [
      field({ name: "title", label: "Lesson title", required: true }),
      field({ name: "type", label: "Lesson type", options: [["text", "Text"], ["video", "Video"]] }),
      field({ name: "content", label: "Lesson text", multiline: true, hint: "Markdown. Optional notes for a video lesson." }),
      fileField,
      checkbox("preview", "Free preview (anyone signed in may open it)"),
      progress,
    ],
    "Add lesson",
    async (data, formElement) => {
      const body: Record<string, unknown> = { section_id: section.id, title: data.title, type: data.type };
      if (data.content) body.content = data.content;
      if (data.preview === "on") body.preview = true;
      if (data.type === "video") {
        const file = (formElement.elements.namedItem("file") as HTMLInputElement).files?.[0];
        if (!file) throw new ApiError(422, "VALIDATION_ERROR", "Choose a video file.", [{ field: "video", message: "Choose a video file to upload." }]);
        progress.hidden = false;
        uploadStatus.textContent = "Uploading…";
        const media = await uploadVideo(
          course.id,
          file,
          (percent) => (uploadBar.value = Math.round(percent)),
          (percent, status) => {
            transcodeBar.value = Math.round(percent);
            uploadStatus.textContent = `Video ${status.replace("_", " ")} (${Math.round(percent)}%)`;
          },
        );
        uploadStatus.textContent = "Video ready";
        body.video = { source: "upload", media_id: media.id };
      }
      await createLesson(course.id, body);
      flash(`Lesson “${String(data.title)}” added.`);
      await rerender();
    },
  );
  return h("details", { class: "add-lesson" }, h("summary", {}, `Add a lesson to ${section.title}`), element);
}

const screen: Screen = {
  title: "Edit course",
  async render(params) {
    const course = await api<Course>("GET", `/v1/courses/${encodeURIComponent(params.course ?? "")}`);
    document.title = `Edit ${course.title} · Coursewave`;
    const base = `/v1/courses/${course.id}`;
    const publish =
      course.status === "published"
        ? button("Unpublish", async () => {
            await api("POST", `${base}/unpublish`);
            flash("The course is back to draft.");
            await rerender();
          })
        : button("Publish course", async () => {
            await api("POST", `${base}/publish`);
            flash(`“${course.title}” is published.`);
            await rerender();
          });
    const sectionForm = form(
      "Add a section",
      [field({ name: "title", label: "Section title", required: true })],
      "Add section",
      async (data) => {
        await api("POST", `${base}/sections`, { body: { title: data.title } });
        flash(`Section “${String(data.title)}” added.`);
        await rerender();
      },
    );
    return h(
      "section",
      {},
      h("h1", {}, course.title),
      h("p", { class: "meta" }, `Status: `, h("strong", { id: "course-status" }, course.status), ` · ${formatMoney(course.price)} · ${course.lesson_count} lessons`),
      h("div", { class: "actions" }, publish, link(`/courses/${course.slug}`, "View course page"), link(`/teach/courses/${course.id}/students`, "Students"), link(`/teach/courses/${course.id}/exams/new`, "Create an exam"), link(`/teach/courses/${course.id}/stats`, "Course stats")),
      ...course.sections.map((section) =>
        h(
          "section",
          { class: "section" },
          h("h2", {}, section.title),
          h(
            "ol",
            { class: "lessons" },
            ...section.lessons.map((lesson) =>
              h(
                "li",
                {},
                link(`/learn/${course.id}/${lesson.id}`, lesson.title),
                h("span", { class: "tag" }, lesson.type),
                lesson.preview ? h("span", { class: "tag" }, "preview") : null,
                button(`Delete lesson ${lesson.title}`, async () => {
                  if (!window.confirm(`Delete the lesson “${lesson.title}”?`)) return;
                  await api("DELETE", `${base}/lessons/${lesson.id}`);
                  await rerender();
                }, { class: "link danger" }),
              ),
            ),
          ),
          lessonForm(course, section),
        ),
      ),
      h("h2", {}, "Add a section"),
      sectionForm,
      h("p", {}, button("Delete course", async () => {
        if (!window.confirm(`Delete “${course.title}”? A course with learners is archived instead.`)) return;
        await api("DELETE", base);
        flash("Course deleted.");
        navigate("/teach");
      }, { class: "danger" })),
    );
  },
};
export default screen;
