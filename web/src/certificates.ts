/** The certificates API's shapes (API.md "Certificates"). */
export interface Certificate {
  id: string;
  status: "issuing" | "issued" | "revoked";
  course: { id: string; title: string; instructor_name: string };
  learner_name: string;
  issued_at: string | null;
  pdf_url: string | null;
  verification_url: string;
  revoked: boolean;
  revoked_at: string | null;
}

/** What the dashboard shows of a certificate. */
export interface CertificateCard {
  id: string;
  course_id: string;
  course_title: string;
  issued_at: string | null;
}

export interface Verification {
  valid: boolean;
  revoked: boolean;
  revoked_at: string | null;
  revoked_reason: string | null;
  certificate_id: string;
  learner_name: string;
  course_id: string;
  course_title: string;
  instructor_name: string;
  issued_at: string;
  issuer: { id: string; name: string; url: string };
  credential: string;
  jwks_url: string;
}

export function day(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric" }) : "—";
}
