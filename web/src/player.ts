/** The HLS player: hls.js where Media Source Extensions exist, the browser's own HLS otherwise,
 * resuming at a saved position and reporting the position as the learner watches. */
import Hls from "hls.js";

export interface PlayerOptions {
  url: string;
  poster?: string | null;
  resumeAt: number;
  onPosition: (seconds: number) => void;
  onEnded: () => void;
  onError: (message: string) => void;
}

const REPORT_EVERY_SECONDS = 5;

export function hlsPlayer(options: PlayerOptions): { element: HTMLVideoElement; destroy: () => void } {
  const video = document.createElement("video");
  video.controls = true;
  video.playsInline = true;
  video.preload = "metadata";
  video.setAttribute("aria-label", "Lesson video");
  if (options.poster) video.poster = options.poster;
  let lastReported = 0;
  let hls: Hls | null = null;

  video.addEventListener(
    "loadedmetadata",
    () => {
      // Resume where the learner stopped, unless that was the very end.
      if (options.resumeAt > 0 && options.resumeAt < video.duration - 0.5) video.currentTime = options.resumeAt;
    },
    { once: true },
  );
  video.addEventListener("timeupdate", () => {
    if (Math.abs(video.currentTime - lastReported) >= REPORT_EVERY_SECONDS) {
      lastReported = video.currentTime;
      options.onPosition(video.currentTime);
    }
  });
  video.addEventListener("pause", () => {
    if (!video.ended) {
      lastReported = video.currentTime;
      options.onPosition(video.currentTime);
    }
  });
  video.addEventListener("ended", () => options.onEnded());
  video.addEventListener("error", () => options.onError(video.error?.message || "The video cannot be played."));

  if (Hls.isSupported()) {
    // No worker: it would be started from a blob: URL, which the page's CSP does not allow.
    hls = new Hls({ enableWorker: false, startPosition: options.resumeAt > 0 ? options.resumeAt : -1 });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) options.onError(`The video cannot be played (${data.details}).`);
    });
    hls.loadSource(options.url);
    hls.attachMedia(video);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = options.url;
  } else {
    options.onError("This browser cannot play HLS video.");
  }
  return {
    element: video,
    destroy: () => {
      hls?.destroy();
    },
  };
}
