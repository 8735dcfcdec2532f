"""The page script: the page's language and direction, clicks on ``[n]``, plain-text message labels,
and the copy confirmation. The CSS is in :mod:`ui.style`."""

from __future__ import annotations

import json

from ui.labels import LABELS
from ui.style import CSS

__all__ = ["BRIDGE_JS", "COPY_JS", "LANGUAGE_JS"]

_KEYS = ("copied", "nothing_copied", "copy_failed", "asked", "answered")
_WORDS = {code: {key: labels[key] for key in _KEYS} for code, labels in LABELS.items()}

# Installed once by the hidden bridge (its js_on_load: ``props``, ``trigger``):
# - page styles;
# - window.sanadLang(code): <html dir/lang> and Gradio's own strings (its i18n: changeLocale) in that language
#   (Gradio draws its strings when a component first appears: those already on the page keep theirs);
# - clicks on [n] links (Enter on a focused one clicks it too; or window.sanadOpen(request), used by the tests) become a
#   "submit" event whose value is the request ("cite:TURN:N" or "file:NAME"); a click also brings the panel's
#   highlighted passage into view once it shows (window.sanadReveal: on a phone the panel is below the chat);
# - each message's aria-label (Gradio puts the raw HTML there) becomes "Question: …"/"Answer: …" in plain text;
# - window.sanadToast(text): a short polite status line;
# - the 👎 form floats beside the answer it judges, within the screen (window.sanadPlaceForm, after a thumb's click);
# - Gradio's Arabic footer is spelt with the right hamza («استخدام», where its translation has «إستخدام»).
BRIDGE_JS = (
    f"const words = {json.dumps(_WORDS, ensure_ascii=False)};"
    "if (!document.getElementById('sanad-style')) {"
    "  const style = document.createElement('style'); style.id = 'sanad-style';"
    f"  style.textContent = {json.dumps(CSS)}; document.head.appendChild(style); }}"
    "window.sanadLang = async (code) => {"
    "  const root = document.documentElement; window.sanadWanted = code;"
    "  root.setAttribute('dir', code === 'ar' ? 'rtl' : 'ltr');"  # lang: Gradio's i18n sets it once its strings load
    "  const urls = [...performance.getEntriesByType('resource').map((e) => e.name),"
    "    ...[...document.querySelectorAll('link[rel=modulepreload], script[src]')].map((e) => e.href || e.src)];"
    "  const url = urls.find((name) => /\\/assets\\/core-[\\w-]+\\.js$/.test(name || ''));"
    "  try { (await import(url)).changeLocale(code); } catch (error) {"
    "    console.warn('sanad: locale', error); root.setAttribute('lang', code); }"
    "};"
    "if (!window.sanadLangWatch) { window.sanadLangWatch = true;"  # Gradio may set its locale later, from the browser's
    "  new MutationObserver(() => { const want = window.sanadWanted;"
    "    if (want && document.documentElement.getAttribute('lang') !== want) window.sanadLang(want); })"
    "  .observe(document.documentElement, {attributes: true, attributeFilter: ['lang']}); }"
    # The page opens in Arabic (the switch's first choice). Gradio sets up its own locale while the page starts
    # (from the browser's); asking again a few times over the first seconds makes Arabic stick.
    "for (const wait of [0, 500, 1500, 3000, 6000]) {"
    "  setTimeout(() => window.sanadLang(window.sanadWanted || 'ar'), wait); }"
    "window.sanadOpen = (request) => { props.value = request + '|' + Date.now(); trigger('submit'); };"
    # window.sanadReveal(): bring the panel's highlighted passage into view at once (it often shows that source
    # already: Gradio leaves it alone when its content does not change), and again when the requested one replaces
    # it. Stacked under the chat (a phone) the page scrolls to it; side by side the page stays still unless the
    # passage is out of sight (the panel's own scroll boxes follow either way).
    "window.sanadReveal = () => {"
    "  const panel = document.getElementById('sanad-panel'); if (!panel) return;"
    "  const shown = () => panel.querySelector('.sanad-panel');"
    "  const reveal = (root) => { const target = root.querySelector('.sanad-passage mark') || root;"
    "    const chat = document.getElementById('sanad-chat');"
    "    const stacked = chat && panel.getBoundingClientRect().top >= chat.getBoundingClientRect().bottom - 1;"
    "    const box = target.getBoundingClientRect();"
    "    if (stacked || box.top < 0 || box.bottom > window.innerHeight) {"
    "      target.scrollIntoView({block: stacked ? 'center' : 'nearest'}); } };"
    "  const before = shown(), was = before ? before.outerHTML : '', started = Date.now(); if (before) reveal(before);"
    "  clearInterval(window.sanadRevealTimer);"  # Gradio updates the panel in place: compare what it shows
    "  window.sanadRevealTimer = setInterval(() => { const now = shown();"
    "    if (now && now.outerHTML !== was) reveal(now); else if (Date.now() - started < 30000) return;"
    "    clearInterval(window.sanadRevealTimer); }, 100); };"
    "window.sanadToast = (text) => {"
    "  let toast = document.getElementById('sanad-toast');"
    "  if (!toast) { toast = document.createElement('div'); toast.id = 'sanad-toast';"
    "    toast.setAttribute('role', 'status'); toast.setAttribute('aria-live', 'polite');"
    "    document.body.appendChild(toast); }"
    "  toast.textContent = text; toast.classList.add('sanad-shown');"
    "  clearTimeout(window.sanadToastTimer);"
    "  window.sanadToastTimer = setTimeout(() => toast.classList.remove('sanad-shown'), 2500);"
    "};"
    "window.sanadPlaceForm = () => { const form = document.getElementById('sanad-feedback');"
    "  const thumb = window.sanadJudged, chat = document.getElementById('sanad-chat');"
    "  if (!form || !thumb || !chat || !form.offsetParent) return false;"
    "  const box = chat.getBoundingClientRect(), at = thumb.getBoundingClientRect();"
    "  form.classList.add('sanad-floating');"
    "  form.style.left = box.left + 'px'; form.style.width = box.width + 'px';"
    "  const below = Math.min(at.bottom + 6, window.innerHeight - form.offsetHeight - 8);"
    "  form.style.top = Math.max(8, below) + 'px'; return true; };"
    "const spellFooter = () => { const footer = document.querySelector('footer'); if (!footer) return;"
    "  const walk = document.createTreeWalker(footer, NodeFilter.SHOW_TEXT);"
    "  for (let n = walk.nextNode(); n; n = walk.nextNode()) {"
    "    if (n.nodeValue.includes('إستخدام')) n.nodeValue = n.nodeValue.replaceAll('إستخدام', 'استخدام'); } };"
    "const plainLabels = () => {"
    "  const code = document.documentElement.getAttribute('lang') === 'en' ? 'en' : 'ar';"
    "  for (const el of document.querySelectorAll('#sanad-chat [aria-label]')) {"
    "    const m = el.getAttribute('aria-label').match(/^(user|bot|assistant)'s message: /);"
    "    if (m) el.dataset.sanadRole = m[1] === 'user' ? 'asked' : 'answered';"
    "    if (!el.dataset.sanadRole) continue;"
    "    const text = (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim();"
    "    const label = words[code][el.dataset.sanadRole] + ': ' + text;"
    "    if (el.getAttribute('aria-label') !== label) el.setAttribute('aria-label', label);"
    "  } };"
    "if (!window.sanadWatch) { window.sanadWatch = true;"
    "  const watch = () => { const chat = document.getElementById('sanad-chat');"
    "    if (!chat) return setTimeout(watch, 200);"
    "    new MutationObserver(plainLabels).observe(chat,"
    "      {subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-label']});"
    "    plainLabels(); };"
    "  watch();"
    "  const footer = () => { const f = document.querySelector('footer'); if (!f) return setTimeout(footer, 200);"
    "    new MutationObserver(spellFooter).observe(f, {subtree: true, childList: true, characterData: true});"
    "    spellFooter(); };"
    "  footer();"
    "  document.addEventListener('click', (event) => {"  # a thumb under an answer: place the form once it shows
    "    const thumb = event.target.closest && event.target.closest('#sanad-chat .message-buttons button');"
    "    if (!thumb) return;"
    "    window.sanadJudged = thumb; const started = Date.now(); clearInterval(window.sanadFormTimer);"
    "    window.sanadFormTimer = setInterval(() => { window.sanadPlaceForm();"
    "      if (Date.now() - started > 15000) clearInterval(window.sanadFormTimer); }, 150); }, true);"
    "  const open = (link) => { const m = (link.getAttribute('href') || '').match(/^#sanad-cite-(\\d+)-(\\d+)$/);"
    "    if (m) { window.sanadReveal(); window.sanadOpen('cite:' + m[1] + ':' + m[2]); } };"
    "  const find = (event) => event.target.closest && event.target.closest('a.sanad-cite, a[href^=\"#sanad-cite-\"]');"
    "  document.addEventListener('click', (event) => { const link = find(event); if (!link) return;"
    "    event.preventDefault(); event.stopPropagation(); open(link); }, true); }"
)

#: The language switch, in the page first: direction and Gradio's strings follow at once.
LANGUAGE_JS = (
    "(choice) => { if (window.sanadLang) window.sanadLang(choice === 'English' ? 'en' : 'ar'); return [choice]; }"
)

#: "Copy answer with sources": write the plain answer to the clipboard and say so (or that there is none).
COPY_JS = (
    f"(text, code) => {{ const words = {json.dumps(_WORDS, ensure_ascii=False)}; const w = words[code] || words.ar;"
    "  const say = (t) => window.sanadToast && window.sanadToast(t);"
    "  if (!text) { say(w.nothing_copied); return []; }"
    "  navigator.clipboard.writeText(text).then(() => say(w.copied), () => say(w.copy_failed)); return []; }"
)
