"""Long-running workers that ship as container images, not as Lambda assets (each beside its
Dockerfile)."""
