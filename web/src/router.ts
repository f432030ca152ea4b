/** History-API routing: a route is a path pattern and a lazily loaded screen module. */
import { flash } from "./ui";
import * as session from "./session";

export interface Params {
  [name: string]: string;
}

export interface Screen {
  title: string;
  render(params: Params, query: URLSearchParams): Promise<Node>;
}

export interface Route {
  path: string;
  /** Who may open it: anyone, a signed-in user, or a role. */
  access: "public" | "user" | "instructor" | "admin";
  load: () => Promise<{ default: Screen }>;
}

/** Dispatched on window after each screen is shown (the header refreshes its unread badge). */
export const NAVIGATED = "coursewave:navigated";

let routes: Route[] = [];
let renderSeq = 0;

export function start(table: Route[]): void {
  routes = table;
  document.addEventListener("click", (event) => {
    const anchor = (event.target as Element).closest?.("a");
    if (!anchor || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target || anchor.hasAttribute("download") || anchor.origin !== window.location.origin) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search);
  });
  window.addEventListener("popstate", () => void render());
  void render();
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  void render();
}

function match(path: string): { route: Route; params: Params } | null {
  for (const route of routes) {
    const names: string[] = [];
    const pattern = route.path.replace(/:([a-z_]+)/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    const found = new RegExp(`^${pattern}/?$`).exec(path);
    if (found) {
      const params: Params = {};
      names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1] ?? "")));
      return { route, params };
    }
  }
  return null;
}

export async function render(): Promise<void> {
  const seq = ++renderSeq;
  const main = document.getElementById("main") as HTMLElement;
  const found = match(window.location.pathname);
  if (!found) {
    show(main, "Not found", notFound());
    return;
  }
  const { route, params } = found;
  const user = session.currentUser();
  if (route.access !== "public" && !user) {
    const back = window.location.pathname + window.location.search;
    navigate(`/login?next=${encodeURIComponent(back)}`, true);
    return;
  }
  if ((route.access === "instructor" || route.access === "admin") && !session.hasRole(route.access)) {
    show(main, "Not allowed", paragraph("This page is for the " + route.access + "s of Coursewave."));
    return;
  }
  main.setAttribute("aria-busy", "true");
  try {
    const screen = (await route.load()).default;
    const node = await screen.render(params, new URLSearchParams(window.location.search));
    if (seq === renderSeq) {
      show(main, screen.title, node);
      window.dispatchEvent(new Event(NAVIGATED));
    }
  } catch (error) {
    if (seq !== renderSeq) return;
    const message = (error as Error)?.message ?? String(error);
    show(main, "Error", paragraph(message, "flash error"));
    flash(message, "error");
  } finally {
    if (seq === renderSeq) main.removeAttribute("aria-busy");
  }
}

function show(main: HTMLElement, title: string, node: Node): void {
  document.title = `${title} · Coursewave`;
  main.replaceChildren(node);
  main.focus({ preventScroll: true });
}

function paragraph(text: string, className = ""): HTMLElement {
  const element = document.createElement("p");
  element.className = className;
  element.textContent = text;
  return element;
}

function notFound(): HTMLElement {
  const wrap = document.createElement("section");
  const heading = document.createElement("h1");
  heading.textContent = "Page not found";
  const home = document.createElement("a");
  home.href = "/";
  home.textContent = "Go to the catalog";
  wrap.append(heading, home);
  return wrap;
}
