import { api } from "../api";
import { config } from "../config";
import { navigate, type Screen } from "../router";
import { button, field, flash, form, h } from "../ui";

const screen: Screen = {
  title: "Confirm your email",
  async render(_, query) {
    const email = query.get("email") ?? "";
    const element = form(
      "Confirm your email",
      [
        field({ name: "email", label: "Email", type: "email", autocomplete: "username", required: true, value: email }),
        field({ name: "code", label: "Confirmation code", autocomplete: "one-time-code", required: true }),
      ],
      "Confirm",
      async (data) => {
        await api("POST", "/v1/auth/confirm", { body: { email: data.email, code: (data.code ?? "").trim() }, auth: false });
        flash("Your email is confirmed. Log in to start learning.");
        navigate(`/login?email=${encodeURIComponent(data.email ?? "")}`);
      },
    );
    const resend = button("Send a new code", async () => {
      const typed = (element.elements.namedItem("email") as HTMLInputElement).value;
      await api("POST", "/v1/auth/resend-code", { body: { email: typed }, auth: false });
      flash("A new code is on its way.");
    });
    const local = config().local_mode
      ? h(
          "p",
          { class: "hint" },
          "Local mode: emails are not sent; read the code in the ",
          h("a", { href: `${config().api_url}/_local/mailbox?to=${encodeURIComponent(email)}`, target: "_blank", rel: "noopener" }, "local mailbox"),
          ".",
        )
      : null;
    return h("section", { class: "narrow" }, h("h1", {}, "Confirm your email"), element, resend, local);
  },
};
export default screen;
