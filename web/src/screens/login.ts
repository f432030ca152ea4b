import { ApiError } from "../api";
import { login } from "../auth";
import { navigate, type Screen } from "../router";
import { clearFlash, field, flash, form, h, link } from "../ui";

const screen: Screen = {
  title: "Log in",
  async render(_, query) {
    const next = query.get("next");
    const safeNext = next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard";
    const element = form(
      "Log in",
      [
        field({ name: "email", label: "Email", type: "email", autocomplete: "username", required: true, value: query.get("email") ?? "" }),
        field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", required: true }),
      ],
      "Log in",
      async (data) => {
        try {
          await login(data.email ?? "", data.password ?? "");
        } catch (error) {
          if (error instanceof ApiError && error.code === "EMAIL_NOT_VERIFIED") {
            flash("Confirm your email first: enter the code we sent you.", "error");
            navigate(`/confirm?email=${encodeURIComponent(data.email ?? "")}`);
            return;
          }
          throw error;
        }
        clearFlash();
        navigate(safeNext);
      },
    );
    return h(
      "section",
      { class: "narrow" },
      h("h1", {}, "Log in"),
      element,
      h("p", {}, link("/forgot-password", "Forgot your password?")),
      h("p", {}, "New here? ", link("/signup", "Create an account")),
    );
  },
};
export default screen;
