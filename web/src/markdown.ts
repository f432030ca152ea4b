/** A small, safe Markdown renderer for lesson text: headings, paragraphs, lists, code blocks,
 * bold, italics, inline code and http(s) links, built as DOM nodes (no HTML is ever parsed). */
import { h } from "./ui";

function inline(text: string): Node[] {
  const nodes: Node[] = [];
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*|\[[^\]]+\]\([^)\s]+\))/g;
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const token = found[0];
    const index = found.index ?? 0;
    if (index > last) nodes.push(document.createTextNode(text.slice(last, index)));
    if (token.startsWith("`")) nodes.push(h("code", {}, token.slice(1, -1)));
    else if (token.startsWith("**")) nodes.push(h("strong", {}, token.slice(2, -2)));
    else if (token.startsWith("*")) nodes.push(h("em", {}, token.slice(1, -1)));
    else {
      const [, label = "", href = ""] = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token) ?? [];
      nodes.push(/^https?:\/\//.test(href) ? h("a", { href, rel: "noopener noreferrer", target: "_blank" }, label) : document.createTextNode(label));
    }
    last = index + token.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

export function markdown(source: string | null | undefined): HTMLElement {
  const root = h("div", { class: "prose" });
  const lines = (source ?? "").replace(/\r\n/g, "\n").split("\n");
  let list: HTMLElement | null = null;
  let paragraph: string[] = [];
  const flush = (): void => {
    if (paragraph.length) root.append(h("p", {}, ...inline(paragraph.join(" "))));
    paragraph = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    if (line.startsWith("```")) {
      flush();
      list = null;
      const code: string[] = [];
      while (++index < lines.length && !(lines[index] ?? "").startsWith("```")) code.push(lines[index] ?? "");
      root.append(h("pre", {}, h("code", {}, code.join("\n"))));
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*]|\d+\.)\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      list = null;
      // Lesson headings sit below the page's own h1.
      const level = Math.min(6, (heading[1]?.length ?? 1) + 1);
      root.append(h(`h${level}` as "h2", {}, ...inline(heading[2] ?? "")));
    } else if (item) {
      flush();
      if (!list) root.append((list = h(/^\s*\d/.test(line) ? "ol" : "ul")));
      list.append(h("li", {}, ...inline(item[1] ?? "")));
    } else if (!line.trim()) {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}
