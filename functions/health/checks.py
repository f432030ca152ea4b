"""Dependency probes for the health route."""

from __future__ import annotations

from pynamodb.exceptions import PynamoDBException

from coursewave.observability import logger
from coursewave.users import User


def dynamodb_reachable() -> bool:
    """One consistent GetItem on the table: proves the table exists and we may read it."""
    try:
        User.find("health-check")
    except PynamoDBException:
        logger.exception("health: DynamoDB read failed")
        return False
    return True
