"""Joining or starting a Ray cluster for ingest: offline-safe (no dashboard) and quiet.

``ray`` is optional (``pip install 'sanad[ray]'``) and imported only here, on first use. Usage
statistics are off when the entry point has applied :data:`rag.runtime.DEFAULTS`
(``RAY_USAGE_STATS_ENABLED=0``); this module never sets the environment itself.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType

from ingest.errors import SanadError

__all__ = ["RayUnavailableError", "connect", "import_ray", "is_address"]

#: Object store of a Ray this process starts itself: ingest passes small batches, so a cap keeps
#: the local machine's shared memory free (Ray's default is 30 % of RAM).
LOCAL_OBJECT_STORE_BYTES = 512 * 1024 * 1024
#: What ``--ray`` accepts as a cluster address besides ``HOST:PORT`` and ``ray://HOST:PORT``.
NAMED_ADDRESSES = ("auto", "local")


class RayUnavailableError(SanadError, RuntimeError):
    """Ray is not installed, or the cluster named cannot be reached."""


def import_ray() -> ModuleType:
    """The ``ray`` module.

    Raises:
        RayUnavailableError: ray is not installed; the message gives the install command.
    """
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailableError("ingest --ray needs Ray, which is not installed: pip install 'sanad[ray]'") from exc
    return ray


def is_address(text: str) -> bool:
    """Whether ``text`` reads as a Ray address (``auto``, ``local``, ``HOST:PORT``, ``ray://HOST:PORT``)."""
    return text in NAMED_ADDRESSES or text.startswith("ray://") or (":" in text and not os.path.exists(text))


def connect(address: str | None = None, num_cpus: int | None = None) -> bool:
    """Join the cluster at ``address``, or start a local Ray with ``num_cpus`` (default: every core)
    when ``address`` is None or ``local``. Returns whether this call started (and so should stop) Ray;
    a Ray already initialised in this process is used as it is.

    Raises:
        RayUnavailableError: ray is not installed, or nothing answers at ``address``.
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    options: dict[str, object] = {"logging_level": logging.ERROR, "log_to_driver": False}
    if address in (None, "local"):
        options.update(
            num_cpus=num_cpus or os.cpu_count() or 1,
            object_store_memory=LOCAL_OBJECT_STORE_BYTES,
            include_dashboard=False,
        )
    else:
        options["address"] = address
    try:
        ray.init(**options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise RayUnavailableError(f"ingest --ray: cannot reach a Ray cluster at {address!r}: {exc}") from exc
    return True
