"""The one base class of every error a user of Sanad can see.

Each error keeps a built-in base as well (``ValueError`` for bad input, ``RuntimeError`` for a
state of the index or a server), so code that caught those before still works; Sanad's own doors
(the CLI, the chat) catch :class:`SanadError` and show its message, which names the file, key or
setting to fix.
"""

from __future__ import annotations

__all__ = ["SanadError"]


class SanadError(Exception):
    """An error meant for people: its message says what failed and how to fix it."""
