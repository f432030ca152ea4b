/** The HLS player: hls.js where Media Source Extensions exist, the browser's own HLS otherwise,
 * resuming at a saved position and reporting the position as the learner watches.
 *
 * A playback token lives ten minutes at most (docs/media.md, "Playback"), and every playlist and
 * segment request carries it. So the player refreshes the token before it expires and sends the
 * newest one on every request (hls.js reads each VOD playlist once: the token in the URLs it
 * holds goes stale). The browser's own HLS cannot be told a new token: it plays one lifetime. */
import Hls from "hls.js";

export interface PlaybackToken {
  token: string;
  expires_in: number; // seconds
}

export interface PlayerOptions {
  url: string;
  poster?: string | null;
  resumeAt: number;
  token: PlaybackToken;
  /** A new token for this video (the server checks the learner may still watch it). */
  refresh: (token: string) => Promise<PlaybackToken>;
  onPosition: (seconds: number) => void;
  onEnded: () => void;
  onError: (message: string) => void;
}

const REPORT_EVERY_SECONDS = 5;
const REFRESH_AT_FRACTION = 0.6; // of a token's lifetime: time left for a retry or two
const RETRY_AFTER_MS = 2_000;
const BUFFER_AHEAD_SECONDS = 30;

/** ``url`` with its ``token`` query parameter (if it has one) set to ``token``. */
export function withToken(url: string, token: string): string {
  const parsed = new URL(url, window.location.href);
  if (!parsed.searchParams.has("token")) return url;
  parsed.searchParams.set("token", token);
  return parsed.toString();
}

export function hlsPlayer(options: PlayerOptions): { element: HTMLVideoElement; destroy: () => void } {
  const video = document.createElement("video");
  video.controls = true;
  video.playsInline = true;
  video.preload = "metadata";
  video.setAttribute("aria-label", "Lesson video");
  if (options.poster) video.poster = options.poster;
  let lastReported = 0;
  let hls: Hls | null = null;
  let current = options.token.token;
  let refreshTimer: number | undefined;
  let stopped = false;

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

  function schedule(delayMs: number): void {
    window.clearTimeout(refreshTimer);
    if (!stopped) refreshTimer = window.setTimeout(() => void refresh(), delayMs);
  }

  /** A new token; true when playback may go on. A refusal (access ended) stops the player. */
  async function refresh(): Promise<boolean> {
    try {
      const fresh = await options.refresh(current);
      current = fresh.token;
      schedule(fresh.expires_in * REFRESH_AT_FRACTION * 1000);
      return true;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401 || status === 403 || status === 404) {
        stop();
        options.onError("You can no longer watch this video.");
        return false;
      }
      schedule(RETRY_AFTER_MS); // offline for a moment: try again while the token lasts
      return false;
    }
  }

  function stop(): void {
    stopped = true;
    window.clearTimeout(refreshTimer);
    hls?.destroy();
    hls = null;
  }

  if (Hls.isSupported()) {
    hls = new Hls({
      // No worker: it would be started from a blob: URL, which the page's CSP does not allow.
      enableWorker: false,
      startPosition: options.resumeAt > 0 ? options.resumeAt : -1,
      // At most 30 s ahead (hls.js would fill 60 MB: minutes of a lecture): a learner who stops
      // early does not pay for video they never watch, and fetches keep pace with playback.
      maxBufferLength: BUFFER_AHEAD_SECONDS,
      maxMaxBufferLength: BUFFER_AHEAD_SECONDS,
      // Every request with the newest token, whatever token the playlist that named it had.
      xhrSetup: (xhr, url) => xhr.open("GET", withToken(url, current), true),
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR && (data.response?.code === 401 || data.response?.code === 403)) {
        // The token expired before a refresh arrived (a sleeping laptop): refresh, resume.
        void refresh().then((resumed) => {
          if (resumed && hls) hls.startLoad(video.currentTime);
        });
        return;
      }
      options.onError(`The video cannot be played (${data.details}).`);
    });
    hls.loadSource(options.url);
    hls.attachMedia(video);
    schedule(options.token.expires_in * REFRESH_AT_FRACTION * 1000);
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = options.url;
  } else {
    options.onError("This browser cannot play HLS video.");
  }
  return { element: video, destroy: stop };
}
