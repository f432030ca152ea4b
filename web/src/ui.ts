/** Small DOM helpers: elements built from data (never innerHTML with API text), labelled form
 * fields that show the API's field errors beside them, busy buttons and the status line. */
import { ApiError } from "./api";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function link(href: string, text: Child, attrs: Attrs = {}): HTMLAnchorElement {
  return h("a", { href, ...attrs }, text);
}

export function flash(message: string, kind: "info" | "error" = "info"): void {
  const box = document.getElementById("flash");
  if (!box) return;
  box.replaceChildren(h("p", { class: `flash ${kind}` }, message));
}

export function clearFlash(): void {
  document.getElementById("flash")?.replaceChildren();
}

let fieldSeq = 0;

export interface FieldSpec {
  name: string;
  label: string;
  type?: string;
  value?: string;
  required?: boolean;
  autocomplete?: string;
  options?: Array<[string, string]>;
  multiline?: boolean;
  hint?: string;
  min?: number;
  max?: number;
  step?: string;
}

/** A labelled input (or select/textarea) with a slot for its error message. */
export function field(spec: FieldSpec): HTMLElement {
  const id = `f-${spec.name}-${++fieldSeq}`;
  const errorId = `${id}-error`;
  const common: Attrs = {
    id,
    name: spec.name,
    required: spec.required,
    "aria-describedby": spec.hint ? `${errorId} ${id}-hint` : errorId,
  };
  let control: HTMLElement;
  if (spec.options) {
    control = h(
      "select",
      common,
      ...spec.options.map(([value, text]) => h("option", { value, selected: value === spec.value }, text)),
    );
  } else if (spec.multiline) {
    control = h("textarea", { ...common, rows: 6 }, spec.value ?? "");
  } else {
    control = h("input", {
      ...common,
      type: spec.type ?? "text",
      value: spec.value,
      autocomplete: spec.autocomplete,
      min: spec.min,
      max: spec.max,
      step: spec.step,
    });
  }
  return h(
    "div",
    { class: "field", "data-field": spec.name },
    h("label", { for: id }, spec.label),
    control,
    spec.hint ? h("small", { id: `${id}-hint`, class: "hint" }, spec.hint) : null,
    h("p", { id: errorId, class: "field-error", "data-error-for": spec.name }),
  );
}

export function checkbox(name: string, label: string, checked = false): HTMLElement {
  const id = `f-${name}-${++fieldSeq}`;
  return h(
    "div",
    { class: "field checkbox" },
    h("input", { type: "checkbox", id, name, checked }),
    h("label", { for: id }, label),
  );
}

export function values(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  new FormData(form).forEach((value, key) => {
    out[key] = String(value);
  });
  return out;
}

/** Show an API error on a form: field errors beside their fields, the rest at the top. */
export function showError(form: HTMLFormElement, error: unknown): void {
  clearErrors(form);
  const summary = form.querySelector<HTMLElement>(".form-error");
  const apiError = error instanceof ApiError ? error : null;
  const unplaced: string[] = [];
  for (const fieldError of apiError?.fields ?? []) {
    const name = fieldError.field.split(".").slice(-1)[0] ?? fieldError.field;
    const slot =
      form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(fieldError.field)}"]`) ??
      form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) {
      slot.textContent = fieldError.message;
      const control = slot.parentElement?.querySelector("input, select, textarea");
      control?.setAttribute("aria-invalid", "true");
    } else {
      unplaced.push(`${fieldError.field}: ${fieldError.message}`);
    }
  }
  const message = apiError ? apiError.message : String((error as Error)?.message ?? error);
  if (summary) {
    summary.textContent = [message, ...unplaced].join(" ");
    summary.hidden = false;
  }
  const firstInvalid = form.querySelector<HTMLElement>("[aria-invalid=true]");
  (firstInvalid ?? summary)?.focus();
}

export function clearErrors(form: HTMLFormElement): void {
  form.querySelectorAll<HTMLElement>(".field-error").forEach((slot) => (slot.textContent = ""));
  form.querySelectorAll("[aria-invalid]").forEach((control) => control.removeAttribute("aria-invalid"));
  const summary = form.querySelector<HTMLElement>(".form-error");
  if (summary) {
    summary.textContent = "";
    summary.hidden = true;
  }
}

/** A form whose submit button is busy while ``onSubmit`` runs, with API errors shown in place. */
export function form(
  label: string,
  fields: HTMLElement[],
  submitText: string,
  onSubmit: (data: Record<string, string>, form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const submit = h("button", { type: "submit" }, submitText);
  const element = h(
    "form",
    { "aria-label": label, novalidate: true },
    h("p", { class: "form-error", role: "alert", tabindex: -1, hidden: true }),
    ...fields,
    h("div", { class: "actions" }, submit),
  );
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(element);
    await busy(submit, async () => {
      try {
        await onSubmit(values(element), element);
      } catch (error) {
        showError(element, error);
      }
    });
  });
  return element;
}

/** Disable a button while ``work`` runs and say so to assistive technology. */
export async function busy(button: HTMLButtonElement, work: () => Promise<void>): Promise<void> {
  if (button.disabled) return;
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = `${text}…`;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = text;
  }
}

export function button(text: string, onClick: (button: HTMLButtonElement) => Promise<void> | void, attrs: Attrs = {}): HTMLButtonElement {
  const element = h("button", { type: "button", ...attrs }, text);
  element.addEventListener("click", () => {
    void busy(element, async () => {
      try {
        await onClick(element);
      } catch (error) {
        flash(error instanceof ApiError ? error.message : String(error), "error");
      }
    });
  });
  return element;
}

export function loading(text = "Loading…"): HTMLElement {
  return h("p", { class: "loading", role: "status" }, text);
}

export function errorBox(error: unknown): HTMLElement {
  const message = error instanceof ApiError ? error.message : String((error as Error)?.message ?? error);
  return h("p", { class: "flash error", role: "alert" }, message);
}

export function table(caption: string, headers: string[], rows: Child[][]): HTMLElement {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, ...headers.map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((cell) => h("td", {}, cell))))),
    ),
  );
}

export function progressBar(label: string, percent: number): HTMLProgressElement {
  return h("progress", { max: 100, value: Math.round(percent), "aria-label": label });
}

export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}
