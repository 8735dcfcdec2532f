"""Process-wide environment defaults, set by Sanad's entry points before any library loads.

Library modules never touch the environment; the ``sanad`` command, the benchmarks and the
test suite call :func:`apply_defaults` first. A script using the Python API may call it too.
A variable already set is left as it is.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULTS", "apply_defaults"]

DEFAULTS: dict[str, str] = {
    # No model hub is reachable: fail at once instead of ~80 s of retries (sentence-transformers).
    "HF_HUB_OFFLINE": "1",
    # No telemetry or version look-ups (Chroma, Gradio).
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    # Gradio's queue keeps per-event timings for its monitoring page, 10,000 events by default
    # (~0.6 KB each, whatever ANALYTICS_ENABLED says): the chat's memory grew until they filled.
    "GRADIO_ANALYTICS_MAX_EVENTS": "500",
    "TOKENIZERS_PARALLELISM": "false",
    # OpenMP threads sleep when idle instead of spinning: the encoder stays quick when a core is
    # busy (question p50 155 ms -> 29 ms under contention). Read once, when the encoder loads.
    "OMP_WAIT_POLICY": "PASSIVE",
    # `sanad ingest --ray`: Ray reports usage statistics unless told not to (read when Ray starts).
    "RAY_USAGE_STATS_ENABLED": "0",
}


def apply_defaults() -> None:
    """Set each of :data:`DEFAULTS` that the environment does not set already."""
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
