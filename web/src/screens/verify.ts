/** The public verification page of a certificate (what the certificate's QR code leads to). */
import { api, ApiError } from "../api";
import { day, type Verification } from "../certificates";
import type { Screen } from "../router";
import { h } from "../ui";

const screen: Screen = {
  title: "Verify a certificate",
  async render(params) {
    let found: Verification;
    try {
      found = await api<Verification>("GET", `/v1/verify/${encodeURIComponent(params.certificate ?? "")}`, { auth: false });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        return h("section", {}, h("h1", {}, "Certificate not found"), h("p", { role: "alert", class: "flash error" }, "No Coursewave certificate has this id. Check the address or ask its holder for the link."));
      }
      throw error;
    }
    const verdict = found.valid
      ? h("p", { class: "flash info verdict", role: "status" }, h("strong", {}, "Valid certificate"), ` issued by ${found.issuer.name}.`)
      : h(
          "p",
          { class: "flash error verdict", role: "alert" },
          h("strong", {}, found.revoked ? "Revoked certificate" : "Not a valid certificate"),
          found.revoked ? ` Revoked on ${day(found.revoked_at)}${found.revoked_reason ? `: ${found.revoked_reason}` : ""}.` : "",
        );
    const row = (term: string, value: Node | string) => [h("dt", {}, term), h("dd", {}, value)];
    return h(
      "section",
      { class: "verify" },
      h("h1", {}, "Certificate verification"),
      verdict,
      h(
        "dl",
        { class: "facts" },
        ...row("Learner", found.learner_name),
        ...row("Course", found.course_title),
        ...row("Instructor", found.instructor_name),
        ...row("Issued", day(found.issued_at)),
        ...row("Issuer", h("a", { href: found.issuer.url, rel: "noopener" }, found.issuer.name)),
        ...row("Certificate id", found.certificate_id),
      ),
      h(
        "details",
        {},
        h("summary", {}, "Signed credential (Open Badges 3.0)"),
        h("p", { class: "meta" }, "A VC-JWT signed with RS256; verify it offline with the issuer's public keys: ", h("a", { href: found.jwks_url, rel: "noopener" }, "issuer keys (JWKS)")),
        h("pre", { class: "credential" }, found.credential),
      ),
    );
  },
};
export default screen;
