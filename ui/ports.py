"""Whether the address to serve on is free, said in one line naming ``--port`` when it is not."""

from __future__ import annotations

import errno
import socket

from ingest.errors import SanadError

__all__ = ["PortBusy", "check_port", "port_busy_message"]


class PortBusy(SanadError, OSError):
    """The address to serve on is taken (the message names ``--port``)."""


def port_busy_message(host: str, port: int, why: str = "is in use") -> str:
    """``127.0.0.1:7860 is in use: pick another port with --port (or set ui.port)``."""
    return f"{host}:{port} {why}: pick another port with --port (or set ui.port)"


def check_port(host: str, port: int) -> None:
    """Fail early, in one line naming ``--port``, when ``host:port`` is taken.

    Raises:
        PortBusy: something already listens there (or the address cannot be bound).
    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror or exc})"
            raise PortBusy(port_busy_message(host, port, why)) from exc
