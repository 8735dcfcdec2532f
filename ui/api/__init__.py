"""The API doors of ``sanad serve`` and ``sanad mcp``: OpenAI-compatible ``/v1``, MCP, and ``/api/ask``.

Every door calls :class:`rag.Assistant` and renders the :class:`rag.types.Answer` it returns.
"""
