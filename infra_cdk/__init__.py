"""The Coursewave CDK app: one stack composed of one construct per capability.

Everything the stack deploys is derived from the declarations in ``coursewave.resources`` (table,
buckets, bus, user pool) and ``functions/registry.py`` (functions, routes, consumers, state
machines), so a declaration added there appears in AWS without touching this package.
"""
