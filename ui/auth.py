"""Optional login for the chat: users come from an environment variable or a file, never the config."""

from __future__ import annotations

import os
from pathlib import Path

from ingest.errors import SanadError

__all__ = ["AuthError", "load_users"]


class AuthError(SanadError, ValueError):
    """``ui.auth`` names a missing variable or file, or a badly written user (the message says which)."""


def _parse(text: str, where: str) -> list[tuple[str, str]]:
    users = []
    for number, entry in enumerate(text.replace(",", "\n").splitlines(), 1):
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user.strip() or not password:
            raise AuthError(f"{where}: entry {number} is not 'user:password'")
        users.append((user.strip(), password))
    if not users:
        raise AuthError(f"{where}: no users (expected 'user:password' entries)")
    return users


def load_users(spec: str | None) -> list[tuple[str, str]] | None:
    """The ``(user, password)`` pairs that ``ui.auth`` points to; None when login is off.

    ``spec`` is ``env:VAR`` (pairs separated by commas or new lines) or ``file:PATH``
    (one pair a line, ``#`` comments).

    Raises:
        AuthError: the variable is unset, the file unreadable, or an entry malformed.
    """
    if not spec:
        return None
    kind, _, target = spec.partition(":")
    if kind == "env":
        value = os.environ.get(target)
        if value is None:
            raise AuthError(f"ui.auth: environment variable {target} is not set")
        return _parse(value, f"ui.auth: ${target}")
    if kind == "file":
        path = Path(target).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise AuthError(f"ui.auth: {path}: cannot read: {exc.strerror or exc}") from exc
        return _parse(text, f"ui.auth: {path}")
    raise AuthError(f"ui.auth: {spec!r} must start with 'env:' or 'file:'")
