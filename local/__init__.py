"""The local runner: the whole platform on one machine, no AWS account, no Docker.

moto serves every AWS API; this package stands in only for what moto cannot run (DESIGN.md §2.7):
API Gateway with its JWT authorizer, Lambda event-source mappings, EventBridge → Step Functions
targets, and the transcode worker.
"""
