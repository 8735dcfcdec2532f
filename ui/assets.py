"""The chat page's own CSS and the script that turns clicks on ``[n]`` into source requests."""

from __future__ import annotations

import json

__all__ = ["BRIDGE_JS", "CSS"]

CSS = """
/* Each paragraph takes its direction from its own text: Arabic RTL, English LTR. */
.message-content p, .message-content li, textarea, button, button * { unicode-bidi: plaintext; }
/* File names and offsets read left to right inside Arabic lines. */
.message-content code, .sanad-file bdi { direction: ltr; unicode-bidi: isolate; }
a.sanad-cite { font-weight: 600; text-decoration: none; padding: 0 2px; border-radius: 4px;
  background: rgba(37, 99, 235, .12); color: #1d4ed8; cursor: pointer; }
a.sanad-cite:hover { background: rgba(37, 99, 235, .28); }
.sanad-notfound { border-inline-start: 4px solid #d97706; background: rgba(217, 119, 6, .10);
  padding: 4px 10px; border-radius: 6px; }
.sanad-panel { padding: 8px 12px; line-height: 1.8; }
.sanad-panel h3 { margin: 0 0 6px 0; }
.sanad-passage { border-inline-start: 4px solid #2563eb; margin: 8px 0; padding: 6px 10px; white-space: pre-wrap; }
.sanad-article { white-space: pre-wrap; max-height: 420px; overflow-y: auto; padding: 6px; }
.sanad-panel mark { background: #fde68a; color: inherit; padding: 0 2px; }
.sanad-refused { border-inline-start: 4px solid #dc2626; }
.sanad-hidden { display: none !important; }
.sanad-searched { font-size: .85em; opacity: .75; margin-bottom: 4px; }
"""

# Installed once by the hidden bridge: page styles, and clicks on [n] links (or window.sanadOpen(request),
# used by the tests) become a "submit" event whose value is the request ("cite:TURN:N" or "file:NAME").
BRIDGE_JS = (
    "if (!document.getElementById('sanad-style')) {"
    "  const style = document.createElement('style'); style.id = 'sanad-style';"
    f"  style.textContent = {json.dumps(CSS)}; document.head.appendChild(style); }}"
    "window.sanadOpen = (request) => { props.value = request + '|' + Date.now(); trigger('submit'); };"
    "if (!window.sanadClicks) { window.sanadClicks = true;"
    "  document.addEventListener('click', (event) => {"
    "    const link = event.target.closest && event.target.closest('a.sanad-cite, a[href^=\"#sanad-cite-\"]');"
    "    if (!link) return;"
    "    event.preventDefault(); event.stopPropagation();"
    "    const m = (link.getAttribute('href') || '').match(/^#sanad-cite-(\\d+)-(\\d+)$/);"
    "    if (m) window.sanadOpen('cite:' + m[1] + ':' + m[2]);"
    "  }, true); }"
)
