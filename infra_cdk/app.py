"""Entry point of the CDK app (``cdk.json``: ``python -m infra_cdk.app``).

``build_app`` is what tests call: the same app, with context and declarations of their choosing.
"""

from __future__ import annotations

import os
from typing import Any

from aws_cdk import App

from infra_cdk import nag
from infra_cdk.declarations import Declarations
from infra_cdk.settings import Settings
from infra_cdk.stack import CoursewaveStack


def build_app(
    context: dict[str, Any] | None = None,
    declarations: Declarations | None = None,
    outdir: str = "cdk.out",
) -> tuple[App, CoursewaveStack]:
    app = App(outdir=outdir, context=context)
    settings = Settings.from_context(app.node)
    stack = CoursewaveStack(
        app,
        f"Coursewave-{settings.stage}",
        settings=settings,
        declarations=declarations or Declarations.from_registry(),
    )
    nag.enable_checks(app)
    return app, stack


def main() -> None:
    # The CDK CLI names its output directory (cdk synth -o ...); run directly: ./cdk.out.
    app, _ = build_app(outdir=os.environ.get("CDK_OUTDIR", "cdk.out"))
    app.synth()


if __name__ == "__main__":
    main()
