"""The Gradio chat; it only calls :class:`rag.Assistant`."""
