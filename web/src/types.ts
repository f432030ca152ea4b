/** The API's shapes the screens read (API.md; responses may carry more fields). */
import type { Money } from "./api";

export interface CourseSummary {
  id: string;
  slug: string;
  title: string;
  subtitle: string | null;
  category: string;
  level: string;
  tags: string[];
  price: Money;
  prices?: Money[];
  instructor: { id: string; name: string };
  thumbnail_url: string | null;
  rating: { average: number; count: number };
  enrollment_count: number;
  lesson_count: number;
  duration_seconds: number;
  published_at: string | null;
}

export interface OutlineLesson {
  id: string;
  title: string;
  type: "video" | "text";
  position: number;
  duration_seconds: number;
  preview: boolean;
  locked_until: string | null;
}

export interface Section {
  id: string;
  title: string;
  position: number;
  lessons: OutlineLesson[];
}

export interface Course extends CourseSummary {
  description: string;
  status: "draft" | "published" | "archived";
  sections: Section[];
}

export interface Enrollment {
  id: string;
  course_id: string;
  status: "active" | "completed" | "revoked";
  enrolled_at: string;
  progress_percent: number;
}

export interface Progress {
  percent: number;
  completed_lesson_ids: string[];
  total_lessons: number;
  last_lesson_id: string | null;
  last_position_seconds: number | null;
  completed_at: string | null;
}

export interface Lesson extends OutlineLesson {
  content: string | null;
  video: { source: string; media_id?: string; url?: string } | null;
}

export interface Playback {
  type: "hls" | "youtube" | "dailymotion";
  url?: string;
  embed_url?: string;
  thumbnail_url?: string | null;
  expires_in?: number; // hls: seconds the token lasts
  token?: string; // hls: the playback token in url
  refresh_url?: string; // hls: POST {token} for a new one
}

export interface Media {
  id: string;
  status: "awaiting_upload" | "processing" | "ready" | "failed";
  progress_percent: number;
  duration_seconds: number | null;
  error: string | null;
}

export interface Payment {
  id: string;
  status: "pending" | "succeeded" | "failed" | "cancelled" | "expired" | "refunded";
  provider: string;
  amount: Money;
  course_id: string;
  created_at: string;
}

export const CATEGORIES: Array<[string, string]> = [
  ["development", "Development"],
  ["data-science", "Data science"],
  ["it-and-software", "IT and software"],
  ["business", "Business"],
  ["finance", "Finance and accounting"],
  ["marketing", "Marketing"],
  ["design", "Design"],
  ["photography-and-video", "Photography and video"],
  ["music", "Music"],
  ["languages", "Languages"],
  ["teaching-and-academics", "Teaching and academics"],
  ["personal-development", "Personal development"],
  ["health-and-fitness", "Health and fitness"],
  ["agriculture", "Agriculture"],
];

export const LEVELS: Array<[string, string]> = [
  ["beginner", "Beginner"],
  ["intermediate", "Intermediate"],
  ["advanced", "Advanced"],
];

export function minutes(seconds: number): string {
  if (!seconds) return "";
  const total = Math.round(seconds / 60);
  return total < 60 ? `${Math.max(1, total)} min` : `${Math.floor(total / 60)} h ${total % 60} min`;
}
