"""Local fakes of the payment providers (Stripe, MTN MoMo, Airtel Money) that the real adapters
talk to, served by the local runner and started in-process by the tests (same code)."""

from local.fakes.base import AlreadySettled, Knobs, UnknownPayment
from local.fakes.server import Credentials, FakeProviders

__all__ = ["AlreadySettled", "Credentials", "FakeProviders", "Knobs", "UnknownPayment"]
