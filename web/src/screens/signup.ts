import { api } from "../api";
import { navigate, type Screen } from "../router";
import { field, flash, form, h, link } from "../ui";

const screen: Screen = {
  title: "Sign up",
  async render() {
    const element = form(
      "Sign up",
      [
        field({ name: "name", label: "Name", autocomplete: "name", required: true }),
        field({ name: "email", label: "Email", type: "email", autocomplete: "email", required: true }),
        field({
          name: "password",
          label: "Password",
          type: "password",
          autocomplete: "new-password",
          required: true,
          hint: "At least 10 characters, mixing letters with digits or symbols.",
        }),
      ],
      "Create account",
      async (data) => {
        await api("POST", "/v1/auth/register", { body: data, auth: false });
        flash("We sent a confirmation code to your email.");
        navigate(`/confirm?email=${encodeURIComponent(data.email ?? "")}`);
      },
    );
    return h(
      "section",
      { class: "narrow" },
      h("h1", {}, "Create your account"),
      element,
      h("p", {}, "Already have an account? ", link("/login", "Log in")),
    );
  },
};
export default screen;
