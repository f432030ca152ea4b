/** Every screen of the app: one module and one entry here. */
import type { Route } from "./router";

export const ROUTES: Route[] = [
  { path: "/", access: "public", load: () => import("./screens/catalog") },
  { path: "/login", access: "public", load: () => import("./screens/login") },
  { path: "/signup", access: "public", load: () => import("./screens/signup") },
  { path: "/confirm", access: "public", load: () => import("./screens/confirm") },
  { path: "/forgot-password", access: "public", load: () => import("./screens/forgot") },
  { path: "/reset-password", access: "public", load: () => import("./screens/reset") },
  { path: "/courses/:course", access: "public", load: () => import("./screens/course") },
  // Where notifications lead (their `link`): parts of the course page, the course editor, payments.
  { path: "/courses", access: "public", load: () => import("./screens/catalog") },
  { path: "/courses/:course/edit", access: "instructor", load: () => import("./screens/teach/edit") },
  { path: "/courses/:course/:part", access: "public", load: () => import("./screens/course") },
  { path: "/me/payments", access: "user", load: () => import("./screens/dashboard") },
  { path: "/notifications", access: "user", load: () => import("./screens/notifications") },
  { path: "/learn/:course/:lesson", access: "user", load: () => import("./screens/lesson") },
  { path: "/payments/:payment", access: "user", load: () => import("./screens/payment") },
  { path: "/dashboard", access: "user", load: () => import("./screens/dashboard") },
  { path: "/certificates", access: "user", load: () => import("./screens/certificates") },
  { path: "/verify/:certificate", access: "public", load: () => import("./screens/verify") },
  { path: "/teach", access: "instructor", load: () => import("./screens/teach/courses") },
  { path: "/teach/new", access: "instructor", load: () => import("./screens/teach/new") },
  { path: "/teach/courses/:course", access: "instructor", load: () => import("./screens/teach/edit") },
  { path: "/teach/courses/:course/students", access: "instructor", load: () => import("./screens/teach/students") },
  { path: "/teach/courses/:course/exams/new", access: "instructor", load: () => import("./screens/teach/exam") },
  { path: "/exams/:exam", access: "user", load: () => import("./screens/exams/take") },
  { path: "/teach/earnings", access: "instructor", load: () => import("./screens/teach/earnings") },
  { path: "/admin/users", access: "admin", load: () => import("./screens/admin/users") },
  { path: "/admin/coupons", access: "admin", load: () => import("./screens/admin/coupons") },
  { path: "/admin/payments", access: "admin", load: () => import("./screens/admin/payments") },
  { path: "/admin/audit-log", access: "admin", load: () => import("./screens/admin/audit") },
];
