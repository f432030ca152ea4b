"""Coursewave shared code, shipped to every function as the `shared` Lambda layer."""

__version__ = "0.1.0"
