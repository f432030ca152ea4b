/** My certificates: download the PDF, open the public verification page. Issuing is
 * asynchronous (a worker renders and signs it): with ``?course=`` the page waits for that
 * course's certificate, polling. */
import { api, type Page } from "../api";
import { type Certificate, day } from "../certificates";
import type { Screen } from "../router";
import { h, link } from "../ui";

const POLL_MS = 2000;
const PATIENCE_MS = 5 * 60_000;

function card(cert: Certificate): HTMLElement {
  return h(
    "li",
    { class: "card", "data-certificate": cert.id },
    h("h3", {}, cert.course.title),
    h("p", { class: "meta" }, `Issued ${day(cert.issued_at)} · taught by ${cert.course.instructor_name}`),
    cert.revoked ? h("p", { class: "tag" }, "Revoked") : null,
    h(
      "p",
      { class: "actions" },
      cert.pdf_url
        ? link(cert.pdf_url, `Download the certificate for ${cert.course.title} (PDF)`, { target: "_blank", rel: "noopener" })
        : null,
      link(`/verify/${encodeURIComponent(cert.id)}`, `Verification page for ${cert.course.title}`),
    ),
  );
}

async function mine(): Promise<Certificate[]> {
  return (await api<Page<Certificate>>("GET", "/v1/me/certificates", { query: { limit: 100 } })).items;
}

const screen: Screen = {
  title: "My certificates",
  async render(_params, query) {
    const waitingFor = query.get("course");
    const list = h("ul", { class: "cards", "aria-label": "My certificates" });
    const status = h("p", { class: "meta", role: "status", "aria-live": "polite" });
    const show = (certs: Certificate[]) => {
      list.replaceChildren(...certs.map(card));
      if (!certs.length && !waitingFor) status.textContent = "No certificate yet: complete a course (its lessons and required exams) to earn one.";
    };
    const certs = await mine();
    show(certs);
    const has = (items: Certificate[]) => items.some((cert) => cert.course.id === waitingFor);
    if (waitingFor && !has(certs)) {
      status.textContent = "Your certificate is being prepared…";
      const started = Date.now();
      const poll = async () => {
        if (!list.isConnected) return; // the person left the page
        const items = await mine().catch(() => null);
        if (items && has(items)) {
          show(items);
          status.textContent = "Your certificate is ready.";
          return;
        }
        if (Date.now() - started > PATIENCE_MS) {
          status.textContent = "Your certificate is taking longer than usual; it will appear here (and you will get an email) once ready.";
          return;
        }
        window.setTimeout(() => void poll(), POLL_MS);
      };
      window.setTimeout(() => void poll(), POLL_MS);
    }
    return h("section", {}, h("h1", {}, "My certificates"), status, list);
  },
};
export default screen;
