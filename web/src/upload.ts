/** A video's way in: an upload ticket, the file POSTed straight to S3 with upload progress, then
 * the transcode's own progress until the media is ready. */
import { api, ApiError } from "./api";
import type { Media } from "./types";

interface Ticket {
  media_id: string;
  upload: { url: string; fields: Record<string, string> };
}

const POLL_MS = 1000;
const TRANSCODE_PATIENCE_MS = 30 * 60 * 1000;

export async function uploadVideo(
  courseId: string,
  file: File,
  onUpload: (percent: number) => void,
  onTranscode: (percent: number, status: string) => void,
): Promise<Media> {
  const ticket = await api<Ticket>("POST", "/v1/media/uploads", {
    body: { course_id: courseId, filename: file.name, content_type: file.type || "video/mp4", size_bytes: file.size },
  });
  await postToStorage(ticket, file, onUpload);
  const deadline = Date.now() + TRANSCODE_PATIENCE_MS;
  for (;;) {
    const media = await api<Media>("GET", `/v1/media/${encodeURIComponent(ticket.media_id)}`);
    onTranscode(media.status === "ready" ? 100 : media.progress_percent, media.status);
    if (media.status === "ready") return media;
    if (media.status === "failed") throw new ApiError(422, "MEDIA_FAILED", `The video could not be processed: ${media.error ?? "unknown error"}.`);
    if (Date.now() > deadline) throw new ApiError(504, "TIMEOUT", "The video is taking too long to process; check back later.");
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function postToStorage(ticket: Ticket, file: File, onUpload: (percent: number) => void): Promise<void> {
  const body = new FormData();
  for (const [name, value] of Object.entries(ticket.upload.fields)) body.append(name, value);
  body.append("file", file); // S3 wants the file last
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", ticket.upload.url);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onUpload((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) {
        onUpload(100);
        resolve();
      } else {
        reject(new ApiError(request.status, "UPLOAD_FAILED", `The upload was refused (HTTP ${request.status}).`));
      }
    });
    request.addEventListener("error", () => reject(new ApiError(0, "NETWORK", "The upload failed: the storage could not be reached.")));
    request.send(body);
  });
}
