import { api } from "../api";
import { navigate, type Screen } from "../router";
import { field, flash, form, h, link } from "../ui";

const screen: Screen = {
  title: "Forgot your password",
  async render(_, query) {
    const element = form(
      "Forgot your password",
      [field({ name: "email", label: "Email", type: "email", autocomplete: "username", required: true, value: query.get("email") ?? "" })],
      "Send a reset code",
      async (data) => {
        await api("POST", "/v1/auth/password/forgot", { body: { email: data.email }, auth: false });
        flash("If an account uses this email, a reset code is on its way.");
        navigate(`/reset-password?email=${encodeURIComponent(data.email ?? "")}`);
      },
    );
    return h("section", { class: "narrow" }, h("h1", {}, "Forgot your password"), element, h("p", {}, link("/login", "Back to log in")));
  },
};
export default screen;
