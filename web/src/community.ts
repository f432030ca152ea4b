/** The course page's community: announcements (the owner posts, learners read), reviews with
 * their rating (one per learner, the owner replies once) and comments with replies. */
import { api, ApiError, type Page } from "./api";
import * as session from "./session";
import { button, field, flash, form, h, when } from "./ui";

interface Author {
  id: string;
  name: string;
}

interface Comment {
  id: string;
  parent_id: string | null;
  author: Author | null;
  body: string;
  deleted: boolean;
  created_at: string;
}

interface Thread extends Comment {
  replies: Comment[];
}

interface Review {
  id: string;
  author: Author;
  rating: number;
  body: string | null;
  created_at: string;
  reply: { body: string; created_at: string } | null;
}

interface Announcement {
  id: string;
  title: string;
  body: string;
  created_at: string;
}

export interface Viewer {
  courseId: string;
  /** Enrolled (active): may comment and review. */
  learner: boolean;
  /** The course's instructor or an admin: posts announcements, replies to reviews, moderates. */
  owner: boolean;
  admin: boolean;
}

/** A section that reloads itself after a change (so a post shows at once, in server order). */
function live(id: string, title: string, load: (redraw: () => Promise<void>) => Promise<Node[]>): HTMLElement {
  const body = h("div", {});
  const section = h("section", { id, class: "community", "aria-labelledby": `${id}-title` }, h("h2", { id: `${id}-title`, tabindex: -1 }, title), body);
  const redraw = async () => {
    try {
      body.replaceChildren(...(await load(redraw)));
    } catch (error) {
      body.replaceChildren(h("p", { class: "flash error", role: "alert" }, error instanceof ApiError ? error.message : String(error)));
    }
  };
  void redraw();
  return section;
}

function stars(rating: number): HTMLElement {
  return h("span", { class: "stars", role: "img", "aria-label": `Rated ${rating} out of 5` }, "★".repeat(rating) + "☆".repeat(5 - rating));
}

function announcements(viewer: Viewer): HTMLElement {
  return live("announcements", "Announcements", async (redraw) => {
    const page = await api<Page<Announcement>>("GET", `/v1/courses/${viewer.courseId}/announcements`, { query: { limit: 20 } });
    const nodes: Node[] = [];
    if (viewer.owner) {
      nodes.push(
        form(
          "Post an announcement",
          [field({ name: "title", label: "Announcement title", required: true }), field({ name: "body", label: "Announcement", multiline: true, required: true, hint: "Sent to every learner of the course (in the app and by email, per their preferences)." })],
          "Post announcement",
          async (data) => {
            await api("POST", `/v1/courses/${viewer.courseId}/announcements`, { body: { title: data.title, body: data.body } });
            flash("Announcement sent to the course's learners.");
            await redraw();
          },
        ),
      );
    }
    nodes.push(
      page.items.length
        ? h("ul", { class: "posts", "aria-label": "Announcements" }, ...page.items.map((item) => h("li", {}, h("h3", {}, item.title), h("p", { class: "meta" }, when(item.created_at)), h("p", { class: "prose" }, item.body))))
        : h("p", {}, "No announcement yet."),
    );
    return nodes;
  });
}

function reviews(viewer: Viewer): HTMLElement {
  const me = session.currentUser()?.id;
  return live("reviews", "Reviews", async (redraw) => {
    const page = await api<Page<Review>>("GET", `/v1/courses/${viewer.courseId}/reviews`, { query: { limit: 50 }, auth: !!me });
    const nodes: Node[] = [];
    if (viewer.learner && !page.items.some((review) => review.author.id === me)) {
      nodes.push(
        form(
          "Review this course",
          [
            field({ name: "rating", label: "Rating", value: "5", options: [["5", "5 — excellent"], ["4", "4 — good"], ["3", "3 — fair"], ["2", "2 — poor"], ["1", "1 — bad"]] }),
            field({ name: "body", label: "Your review", multiline: true }),
          ],
          "Post review",
          async (data) => {
            const body: Record<string, unknown> = { rating: Number(data.rating) };
            if (data.body?.trim()) body.body = data.body;
            await api("POST", `/v1/courses/${viewer.courseId}/reviews`, { body });
            flash("Thank you for your review.");
            await redraw();
          },
        ),
      );
    }
    nodes.push(
      page.items.length
        ? h(
            "ul",
            { class: "posts", "aria-label": "Reviews" },
            ...page.items.map((review) =>
              h(
                "li",
                {},
                h("p", {}, stars(review.rating), " ", h("strong", {}, review.author.name), h("span", { class: "meta" }, ` · ${when(review.created_at)}`)),
                review.body ? h("p", { class: "prose" }, review.body) : null,
                review.reply
                  ? h("blockquote", { class: "reply" }, h("p", { class: "meta" }, "The instructor replied:"), h("p", { class: "prose" }, review.reply.body))
                  : viewer.owner
                    ? h(
                        "details",
                        {},
                        h("summary", {}, `Reply to ${review.author.name}'s review`),
                        form(`Reply to ${review.author.name}'s review`, [field({ name: "body", label: "Your reply", multiline: true, required: true })], "Post reply", async (data) => {
                          await api("POST", `/v1/reviews/${review.id}/reply`, { body: { body: data.body } });
                          await redraw();
                        }),
                      )
                    : null,
              ),
            ),
          )
        : h("p", {}, "No review yet."),
    );
    return nodes;
  });
}

function comments(viewer: Viewer): HTMLElement {
  const me = session.currentUser()?.id;
  const canPost = viewer.learner || viewer.owner;
  return live("comments", "Discussion", async (redraw) => {
    const page = await api<Page<Thread>>("GET", `/v1/courses/${viewer.courseId}/comments`, { query: { limit: 50 }, auth: !!me });
    const post = (parent: string | null) => async (data: Record<string, string>) => {
      const body: Record<string, string> = { body: data.body ?? "" };
      if (parent) body.parent_id = parent;
      await api("POST", `/v1/courses/${viewer.courseId}/comments`, { body });
      await redraw();
    };
    const remove = (comment: Comment) =>
      !comment.deleted && (comment.author?.id === me || viewer.owner || viewer.admin)
        ? button(`Delete comment by ${comment.author?.name ?? "someone"}`, async () => {
            await api("DELETE", `/v1/comments/${comment.id}`);
            await redraw();
          }, { class: "link danger" })
        : null;
    const one = (comment: Comment) =>
      h(
        "div",
        { class: "comment" },
        h("p", { class: "meta" }, h("strong", {}, comment.author?.name ?? "[deleted]"), ` · ${when(comment.created_at)}`),
        h("p", { class: "prose" }, comment.body),
        remove(comment),
      );
    const nodes: Node[] = [];
    if (canPost) nodes.push(form("Post a comment", [field({ name: "body", label: "Comment", multiline: true, required: true })], "Post comment", post(null)));
    nodes.push(
      page.items.length
        ? h(
            "ul",
            { class: "posts", "aria-label": "Comments" },
            ...page.items.map((thread) =>
              h(
                "li",
                {},
                one(thread),
                thread.replies.length ? h("ul", { class: "replies", "aria-label": `Replies to ${thread.author?.name ?? "a deleted comment"}` }, ...thread.replies.map((reply) => h("li", {}, one(reply)))) : null,
                canPost && !thread.deleted
                  ? h("details", {}, h("summary", {}, `Reply to ${thread.author?.name ?? "someone"}'s comment`), form(`Reply to ${thread.author?.name ?? "someone"}'s comment`, [field({ name: "body", label: "Reply", multiline: true, required: true })], "Post reply", post(thread.id)))
                  : null,
              ),
            ),
          )
        : h("p", {}, "No comment yet."),
    );
    return nodes;
  });
}

/** The community sections this viewer may see (announcements only for learners and the owner). */
export function community(viewer: Viewer, published: boolean): HTMLElement[] {
  const sections: HTMLElement[] = [];
  if (viewer.learner || viewer.owner) sections.push(announcements(viewer));
  if (published || viewer.learner || viewer.owner) sections.push(reviews(viewer), comments(viewer));
  return sections;
}
