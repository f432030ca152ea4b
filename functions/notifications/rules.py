"""The table: which event becomes which notification, for whom, in which words.

One row per (event, notification type). Adding a notification is adding a row here (its event
model and sample exist in ``coursewave.event_models`` / ``events/``): the consumer's EventBridge
rule is built from these rows (``functions/registry.py``), the recipients are resolved by kind
(``logic.RESOLVERS``), and the tests render every row against its event's sample. For example,
the community's announcements (fanned out to every enrolled learner, page by page)::

    Rule(
        name="announcement",
        source="coursewave.community",
        detail_type="AnnouncementPosted",
        type="announcement",
        recipients=Recipients(ENROLLED_LEARNERS, "course_id"),
        exclude=("author_id",),
        title="{course_title}: {title}",
        body="{body}",
        link="/courses/{course_id}/announcements",
    )
"""

from __future__ import annotations

from functions.notifications.domain import (
    COURSE_OWNER,
    ENROLLED_LEARNERS,
    USER,
    Recipients,
    Rule,
)

AUTH, USERS = "coursewave.auth", "coursewave.users"
ENROLLMENT, PAYMENTS, MEDIA = "coursewave.enrollment", "coursewave.payments", "coursewave.media"
ASSESSMENTS, COMMUNITY = "coursewave.assessments", "coursewave.community"
CERTIFICATES = "coursewave.certificates"

RULES: tuple[Rule, ...] = (
    # -- account (transactional: always sent, no unsubscribe) -----------------------------------
    Rule(
        name="verify-code",
        source=AUTH,
        detail_type="CodeRequested",
        type="account",
        recipients=Recipients(USER, "user_id"),
        when={"purpose": ("verify",), "provider": ("password",)},
        transactional=True,
        in_app=False,
        issue_code=True,
        title="Confirm your Coursewave email address",
        body="Welcome to Coursewave, {name}!\n\nYour verification code is {code}\n\n"
        "It expires in {valid_hours} hours. If you did not create an account, ignore this email.",
    ),
    Rule(
        name="reset-code",
        source=AUTH,
        detail_type="CodeRequested",
        type="account",
        recipients=Recipients(USER, "user_id"),
        when={"purpose": ("reset",), "provider": ("password",)},
        transactional=True,
        in_app=False,
        issue_code=True,
        title="Reset your Coursewave password",
        body="Your password reset code is {code}\n\nIt expires in {valid_hours} hours and signs "
        "you out everywhere once used. If you did not ask to reset your password, ignore this "
        "email: your password stays as it is.",
    ),
    Rule(
        name="federated-reset",
        source=AUTH,
        detail_type="CodeRequested",
        type="account",
        recipients=Recipients(USER, "user_id"),
        when={"purpose": ("reset",), "provider": ("google", "github")},
        transactional=True,
        in_app=False,
        title="Your Coursewave sign-in",
        body="Someone asked to reset the password of your Coursewave account. Your account signs "
        'in with {provider_name} and has no password: use "Sign in with {provider_name}".',
    ),
    Rule(
        name="welcome",
        source=AUTH,
        detail_type="UserRegistered",
        type="welcome",
        recipients=Recipients(USER, "user_id"),
        transactional=True,
        email=False,  # a password account's first email is its verification code
        title="Welcome to Coursewave",
        body="Hello {name}, welcome to Coursewave! Browse the catalog to find your first course.",
        link="/courses",
    ),
    Rule(
        name="welcome-email",
        source=AUTH,
        detail_type="UserRegistered",
        type="welcome",
        recipients=Recipients(USER, "user_id"),
        when={"email_verified": (True,)},  # a federated sign-in: no code email came first
        transactional=True,
        in_app=False,
        title="Welcome to Coursewave",
        body="Hello {name}, welcome to Coursewave! Browse the catalog to find your first course.",
        link="/courses",
    ),
    # -- learning ------------------------------------------------------------------------------
    Rule(
        name="enrollment",
        source=ENROLLMENT,
        detail_type="EnrollmentCreated",
        type="enrollment",
        recipients=Recipients(USER, "user_id"),
        title="You are enrolled in {course_title}",
        body="Hello {name}, you are now enrolled in {course_title}. Start learning whenever you "
        "like: your progress is saved as you go.",
        link="/courses/{course_id}",
    ),
    Rule(
        name="exam-passed",
        source=ASSESSMENTS,
        detail_type="ExamPassed",
        type="exam_result",
        recipients=Recipients(USER, "user_id"),
        title="You passed an exam in {course_title}",
        body="Well done, {name}: you scored {score_percent}% (pass mark {pass_percent}%) in an "
        "exam of {course_title}.",
        link="/exams/{exam_id}",
    ),
    Rule(
        name="exam-failed",
        source=ASSESSMENTS,
        detail_type="ExamFailed",
        type="exam_result",
        recipients=Recipients(USER, "user_id"),
        title="Your exam result in {course_title}",
        body="Hello {name}, you scored {score_percent}% in an exam of {course_title}; the pass "
        "mark is {pass_percent}%. Review the lessons and try again if attempts remain.",
        link="/exams/{exam_id}",
    ),
    Rule(
        name="certificate-issued",
        source=CERTIFICATES,
        detail_type="CertificateIssued",
        type="certificate",
        recipients=Recipients(USER, "user_id"),
        title="Your certificate for {course_title}",
        body="Congratulations, {name}! You completed {course_title} and your certificate is "
        "ready. Anyone can verify it at {verification_url}",
        link="/certificates",
    ),
    # -- community -----------------------------------------------------------------------------
    Rule(
        name="comment-on-my-course",
        source=COMMUNITY,
        detail_type="CommentPosted",
        type="comment_on_my_course",
        recipients=Recipients(COURSE_OWNER, "course_id"),
        exclude=("author_id",),
        title="New comment on {course_title}",
        body="Someone commented on your course {course_title}.",
        link="/courses/{course_id}/comments",
    ),
    Rule(
        name="reply-to-me",
        source=COMMUNITY,
        detail_type="CommentPosted",
        type="reply_to_me",
        recipients=Recipients(USER, "parent_author_id"),
        exclude=("author_id",),
        title="New reply to your comment on {course_title}",
        body="Someone replied to your comment on {course_title}.",
        link="/courses/{course_id}/comments",
    ),
    Rule(
        name="review-on-my-course",
        source=COMMUNITY,
        detail_type="ReviewPosted",
        type="review_on_my_course",
        recipients=Recipients(COURSE_OWNER, "course_id"),
        exclude=("author_id",),
        title="New {rating}-star review of {course_title}",
        body="A learner reviewed your course {course_title}: {rating} out of 5.",
        link="/courses/{course_id}/reviews",
    ),
    Rule(
        name="announcement",
        source=COMMUNITY,
        detail_type="AnnouncementPosted",
        type="announcement",
        recipients=Recipients(ENROLLED_LEARNERS, "course_id"),
        exclude=("author_id",),
        title="{course_title}: {title}",
        body="{body}",
        link="/courses/{course_id}/announcements",
    ),
    # -- money (transactional) ----------------------------------------------------------------
    Rule(
        name="payment-receipt",
        source=PAYMENTS,
        detail_type="PaymentSucceeded",
        type="payment",
        recipients=Recipients(USER, "user_id"),
        transactional=True,
        title="Your Coursewave receipt",
        body="Thank you for your payment, {name}.\n\nPayment: {payment_id}\n"
        "Course: {course_title}\nAmount: {amount}\nPaid with: {provider_name}\n"
        "Date: {succeeded_at}",
        link="/me/payments",
    ),
    Rule(
        name="payment-refund",
        source=PAYMENTS,
        detail_type="PaymentRefunded",
        type="payment",
        recipients=Recipients(USER, "user_id"),
        transactional=True,
        title="Your Coursewave refund",
        body="Your payment {payment_id} for {course_title} was refunded.\n\nAmount: {amount}\n"
        "Refund reference: {refund_ref}\nDate: {refunded_at}",
        link="/me/payments",
    ),
    # -- instructors' media --------------------------------------------------------------------
    Rule(
        name="media-ready",
        source=MEDIA,
        detail_type="MediaReady",
        type="media",
        recipients=Recipients(USER, "owner_id"),
        title="Your {kind} for {course_title} is ready",
        body="Your upload {media_id} for {course_title} is processed and can be used in lessons.",
        link="/courses/{course_id}/edit",
    ),
    Rule(
        name="media-failed",
        source=MEDIA,
        detail_type="MediaFailed",
        type="media",
        recipients=Recipients(USER, "owner_id"),
        title="Your {kind} for {course_title} could not be processed",
        body="Your upload {media_id} for {course_title} could not be processed: {error}\n\n"
        "You can upload the file again.",
        link="/courses/{course_id}/edit",
    ),
)


def rules_for(source: str, detail_type: str) -> list[Rule]:
    return [rule for rule in RULES if rule.source == source and rule.detail_type == detail_type]


def sources() -> tuple[str, ...]:
    return tuple(sorted({rule.source for rule in RULES}))


def detail_types() -> tuple[str, ...]:
    return tuple(sorted({rule.detail_type for rule in RULES}))
