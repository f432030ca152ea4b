import { api } from "../api";
import { navigate, type Screen } from "../router";
import { field, flash, form, h } from "../ui";

const screen: Screen = {
  title: "Choose a new password",
  async render(_, query) {
    const element = form(
      "Choose a new password",
      [
        field({ name: "email", label: "Email", type: "email", autocomplete: "username", required: true, value: query.get("email") ?? "" }),
        field({ name: "code", label: "Reset code", autocomplete: "one-time-code", required: true }),
        field({
          name: "new_password",
          label: "New password",
          type: "password",
          autocomplete: "new-password",
          required: true,
          hint: "At least 10 characters, mixing letters with digits or symbols.",
        }),
      ],
      "Set new password",
      async (data) => {
        await api("POST", "/v1/auth/password/reset", {
          body: { email: data.email, code: (data.code ?? "").trim(), new_password: data.new_password },
          auth: false,
        });
        flash("Your password is changed. Log in with the new one.");
        navigate(`/login?email=${encodeURIComponent(data.email ?? "")}`);
      },
    );
    return h("section", { class: "narrow" }, h("h1", {}, "Choose a new password"), element);
  },
};
export default screen;
