"""Plain helpers every tool shares; nothing here imports the tools above it."""

from ._registry import Registry, Resolved, all_registries

__all__ = ["Registry", "Resolved", "all_registries"]
