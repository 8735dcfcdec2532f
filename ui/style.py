"""The chat page's CSS: right to left in Arabic (mirrored in English), Arabic fonts, small screens."""

from __future__ import annotations

__all__ = ["CSS"]

#: Fonts that draw Arabic well, the first installed one wins; DejaVu Sans (Debian's default) has Arabic too.
_FONTS = '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Segoe UI", Tahoma, "DejaVu Sans", system-ui, sans-serif'

CSS = (
    """
/* The page's direction is set on <html> (dir="rtl" in Arabic, "ltr" in English) by the page script:
   rows, tabs, sliders and tables follow it, so the chat column stands first in reading order. */
.gradio-container { --font: FONTS; font-family: var(--font); }
/* Gradio marks every block without rtl=True dir="ltr": in Arabic those follow the page too
   (file names and offsets, in <bdi dir="ltr"> and .sanad-offsets, stay left to right). */
html[dir="rtl"] .gradio-container [dir="ltr"]:not(bdi):not(.sanad-offsets):not(code) { direction: rtl; }
.gradio-container textarea, .gradio-container input, .gradio-container button,
#sanad-sources th, #sanad-sources th *, #sanad-sources td { font-family: var(--font) !important; }
/* Each paragraph takes its direction from its own text: Arabic RTL, English LTR, and aligns by it
   (start: the right of an Arabic paragraph, the left of an English one), whatever the page's language. */
.message-content p, .message-content li, textarea, button, button * { unicode-bidi: plaintext; }
#sanad-chat .message-content :is(p, h1, h2, h3, h4, blockquote) { text-align: start !important; }
/* A list item keeps to its marker's side (the message's direction), whatever its first word. */
#sanad-chat .message-content li { text-align: match-parent !important; }
/* File names and offsets read left to right inside Arabic lines. */
.gradio-container code, .sanad-file bdi, .sanad-offsets { direction: ltr; unicode-bidi: isolate; }
/* Where a source is (file, offsets) is a detail under its headline: small print. */
.sanad-file, .sanad-where { font-size: 0.85em; opacity: 0.75; }
.sanad-offsets { white-space: nowrap; }
/* A timeline's chart: one bar per day (oldest on the left, as dates read), stacked by outlet. */
.sanad-chart-days { display: flex; align-items: flex-end; gap: 4px; min-height: 96px; overflow-x: auto; }
.sanad-chart-day { display: flex; flex-direction: column; align-items: center; }
.sanad-chart-bar { display: flex; flex-direction: column-reverse; width: 18px; }
.sanad-chart-block { display: block; width: 100%; }
.sanad-chart-label { font-size: 0.7em; }
.sanad-chart-legend { display: flex; flex-wrap: wrap; gap: 8px; font-size: 0.8em; margin-top: 4px; }
.sanad-timeline .sanad-quote { font-style: italic; }
.sanad-chart-key span { display: inline-block; width: 10px; height: 10px; margin-inline-end: 4px; }
/* The passages slider fills from its start (the right, in Arabic). */
html[dir="rtl"] .gradio-container input[type=range]::-webkit-slider-runnable-track {
  background: linear-gradient(to left, var(--slider-color) var(--range_progress),
    var(--neutral-200) var(--range_progress)); }
html[dir="rtl"] .gradio-container input[type=radio], html[dir="rtl"] .gradio-container input[type=checkbox] {
  margin-inline-end: var(--spacing-lg, 8px); }
#sanad-sources table { direction: inherit; }
#sanad-sources th, #sanad-sources td { text-align: start !important; }
a.sanad-cite { font-weight: 600; text-decoration: none; padding: 0 2px; border-radius: 4px;
  background: rgba(37, 99, 235, .12); color: #1d4ed8; cursor: pointer; }
a.sanad-cite:hover, a.sanad-cite:focus-visible { background: rgba(37, 99, 235, .28); outline: 2px solid #1d4ed8; }
.sanad-notfound { border-inline-start: 4px solid #d97706; background: rgba(217, 119, 6, .10);
  padding: 4px 10px; border-radius: 6px; }
.sanad-partial { border-inline-start: 4px solid #0891b2; background: rgba(8, 145, 178, .10);
  padding: 4px 10px; border-radius: 6px; }
.sanad-nearest { font-size: .92em; opacity: .85; margin: 10px 0 2px 0; font-style: italic; }
.sanad-answer mark { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
.sanad-sourcelist { font-size: .9em; opacity: .9; }
.sanad-panel { padding: 8px 12px; line-height: 1.8; }
.sanad-panel h3 { margin: 0 0 6px 0; }
.sanad-passage { border-inline-start: 4px solid #2563eb; margin: 8px 0; padding: 6px 10px; white-space: pre-wrap; }
.sanad-article { white-space: pre-wrap; max-height: 420px; overflow-y: auto; padding: 6px; }
.sanad-panel mark { background: #fde68a; color: inherit; padding: 0 2px; }
.sanad-panel mark b { background: #fbbf24; font-weight: inherit; }
.sanad-refused { border-inline-start: 4px solid #dc2626; }
.sanad-hidden { display: none !important; }
.sanad-searched { font-size: .85em; opacity: .75; margin-bottom: 4px; }
.sanad-ok { color: #15803d; font-weight: 700; }
.sanad-bad { color: #b91c1c; font-weight: 700; }
/* The chat's name label takes its own line above the messages: floated over them it hid the 👍/👎 of
   the message scrolled under it. */
#sanad-chat .wrapper { display: flex; flex-direction: column; }
#sanad-chat .wrapper > label[data-testid="block-label"] { position: relative; flex: none; width: max-content;
  margin-left: 0; margin-right: auto; }
#sanad-chat .wrapper > .bubble-wrap { flex: 1 1 auto; min-height: 0; }
/* The 👎 form floats beside the answer it judges (the page script places it), above the chat. */
.sanad-feedback-form.sanad-floating { position: fixed; z-index: 60; margin: 0 !important;
  background: var(--background-fill-primary, #fff); border: 1px solid var(--border-color-primary, #d1d5db);
  border-radius: 10px; padding: 8px; box-shadow: 0 8px 24px rgba(0, 0, 0, .18);
  max-height: calc(100vh - 16px); overflow-y: auto; }
#sanad-toast { position: fixed; inset-block-end: 24px; inset-inline-start: 50%; transform: translateX(-50%);
  background: #1f2937; color: #fff; padding: 8px 16px; border-radius: 8px; z-index: 1000;
  opacity: 0; transition: opacity .2s; pointer-events: none; }
[dir="rtl"] #sanad-toast { transform: translateX(50%); }
#sanad-toast.sanad-shown { opacity: 1; }
/* Small screens: one short line for the title and the language switch beside it (the description
   is left to the welcome text), so the question box sits well within the first screen; nothing
   wider than the screen. */
@media (max-width: 640px) {
  #sanad-top { flex-direction: row; flex-wrap: nowrap; align-items: center; gap: 8px; }
  #sanad-header { flex: 1 1 auto; min-width: 0 !important; }
  .gradio-container .main { padding-inline: 12px !important; }
  #sanad-header h2 { font-size: 1.15rem !important; line-height: 1.3; margin: 0 !important; white-space: nowrap; }
  #sanad-header :is(p, h2 ~ *) { display: none; }
  #sanad-language { flex: 0 0 auto; width: auto; min-width: 0 !important; padding: 0 !important;
    border: none !important; background: none !important; box-shadow: none !important; overflow: visible !important; }
  #sanad-language .wrap { gap: 4px; flex-wrap: nowrap; }
  #sanad-language label { padding: 2px 8px !important; font-size: .85rem; }
  #sanad-language input { margin-inline-end: 4px !important; }
  .gradio-container { overflow-x: hidden; }
  .gradio-container * { min-width: 0; }
  .gradio-container .message-content, .sanad-panel { overflow-wrap: anywhere; }
}
"""
).replace("FONTS", _FONTS)
