"""Synthetic cases for load tests (`flask seed-bulk`)."""

from __future__ import annotations


def generate(count: int, seed: int) -> int:
    """Create `count` synthetic cases; return how many were created."""
    return 0
