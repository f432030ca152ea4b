"""Lambda functions: one package per domain (routes, logic, data access)."""
