"""A certificate over HTTP against the local runner: a new learner completes a course the demo
instructor built, the runner's pollers feed the certificates worker (KMS in moto signs), and a
verifier checks the credential with PyJWT against the published JWKS, downloads the PDF through
its presigned link and reads the learner's name out of it."""

from __future__ import annotations

import subprocess
import time
import uuid
from typing import Any

import jwt
import requests

from tests.e2e.conftest import LocalStack
from tests.e2e.test_courses import INSTRUCTOR, _new_student, _ok


def _until(check: Any, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def _course(stack: LocalStack, teacher: str) -> tuple[str, list[str]]:
    title = f"Kinyarwanda for Travellers {uuid.uuid4().hex[:6]}"
    course = _ok(
        stack.api(
            "POST",
            "/v1/courses",
            token=teacher,
            json={
                "title": title,
                "description": "Greetings, numbers and the market.",
                "category": "development",
                "level": "beginner",
                "price": {"amount": 0, "currency": "RWF"},
            },
        ),
        201,
    )
    section = _ok(
        stack.api(
            "POST", f"/v1/courses/{course['id']}/sections", token=teacher, json={"title": "One"}
        ),
        201,
    )
    lessons = []
    for name in ("Muraho", "Imibare"):
        lesson = _ok(
            stack.api(
                "POST",
                f"/v1/courses/{course['id']}/lessons",
                token=teacher,
                json={"section_id": section["id"], "title": name, "type": "text", "content": name},
            ),
            201,
        )
        lessons.append(lesson["id"])
    _ok(stack.api("POST", f"/v1/courses/{course['id']}/publish", token=teacher))
    return course["id"], lessons


def test_completing_a_course_earns_a_certificate_anyone_can_verify(stack: LocalStack) -> None:
    teacher = stack.cognito_token(INSTRUCTOR)["AccessToken"]
    course_id, lessons = _course(stack, teacher)
    learner = _new_student(stack)
    _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", token=learner), 201)
    for lesson_id in lessons:
        _ok(stack.api("POST", f"/v1/courses/{course_id}/lessons/{lesson_id}/complete", learner))

    def issued() -> list[dict[str, Any]]:
        items = _ok(stack.api("GET", "/v1/me/certificates", token=learner))["items"]
        return [c for c in items if c["course"]["id"] == course_id and c["status"] == "issued"]

    found = _until(issued)
    assert found, f"no certificate was issued:\n{stack.log_path.read_text()[-3000:]}"
    certificate_id = found[0]["id"]

    verified = _ok(stack.api("GET", f"/v1/verify/{certificate_id}"))
    assert verified["valid"] is True and verified["learner_name"] == "Jo Learner"
    jwks = _ok(stack.api("GET", "/v1/.well-known/jwks.json"))
    (key,) = [k for k in jwks["keys"] if k["kid"] == verified["key_id"]]
    claims = jwt.decode(verified["credential"], jwt.PyJWK(key).key, algorithms=["RS256"])
    assert claims["iss"] == f"{stack.url}/v1/issuer"
    assert claims["credentialSubject"]["achievement"]["id"].startswith(
        f"{stack.url}/v1/courses/{course_id}"
    )

    held = _ok(stack.api("GET", f"/v1/certificates/{certificate_id}", token=learner))
    # The QR code, the mail and the credential's evidence open the web app's verification page
    assert held["verification_url"] == f"{stack.url}/verify/{certificate_id}"
    assert claims["evidence"][0]["id"] == held["verification_url"]
    page = requests.get(held["verification_url"], timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    download = requests.get(held["pdf_url"], timeout=10)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"],
        input=download.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Jo Learner" in text and certificate_id in text
    mail = _until(
        lambda: [
            m for m in stack.mailbox(_email_of(stack, learner)) if "certificate" in m["subject"]
        ]
    )
    assert mail and verified["verification_url"] in mail[0]["text"]


def _email_of(stack: LocalStack, token: str) -> str:
    return str(_ok(stack.api("GET", "/v1/me", token=token))["email"])
