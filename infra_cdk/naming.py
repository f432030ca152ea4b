"""Physical names, from one place: ``coursewave-<stage>-<thing>``.

Only resources an operator looks for by name get one (functions, queues, state machines, the
bus, the user pool); buckets and log groups keep CloudFormation's generated, collision-free names.
"""

from __future__ import annotations

from dataclasses import dataclass

from coursewave import resources

PRODUCT = "coursewave"
DEFAULT_STAGE = "prod"


@dataclass(frozen=True)
class Names:
    stage: str

    @property
    def prefix(self) -> str:
        return f"{PRODUCT}-{self.stage}"

    @property
    def stack(self) -> str:
        return self.prefix

    def resource(self, suffix: str) -> str:
        return f"{self.prefix}-{suffix}"

    @property
    def bus(self) -> str:
        """The declared bus name in production; other stages get a suffix to share an account."""
        if self.stage == DEFAULT_STAGE:
            return resources.EVENT_BUS.name
        return f"{resources.EVENT_BUS.name}-{self.stage}"

    def function(self, name: str) -> str:
        return self.resource(name)

    def queue(self, name: str) -> str:
        return self.resource(name)

    def dead_letter_queue(self, name: str) -> str:
        return self.resource(f"{name}-dlq")

    def state_machine(self, name: str) -> str:
        return self.resource(name)

    def waf_log_group(self, name: str) -> str:
        # WAF only delivers to log groups whose name starts with ``aws-waf-logs-``.
        return f"aws-waf-logs-{self.resource(name)}"

    def secret(self, name: str) -> str:
        return f"{PRODUCT}/{self.stage}/{name}"
