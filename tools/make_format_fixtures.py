"""Make the PDFs the format tests read, with Debian's Chromium (``chromium --headless --print-to-pdf``).

    python tools/make_format_fixtures.py [--out tests/fixtures/formats] [--all]

Writes ``seed.pdf`` (seed article 000 as an Arabic RTL page), ``quotes.pdf`` (two paragraphs with
guillemets and brackets), ``long.pdf`` (all seeds, one after the other: several pages) and ``scan.pdf``
(a page holding only a drawing: no text layer); with ``--all`` also ``seed-NNN.pdf`` and ``bold-NNN.pdf`` (set in a bold
heading font) for every seed (what ``benchmarks/formats.py`` measures). The committed PDFs were made by this script.
"""

from __future__ import annotations

import argparse
import html
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ingest.formats.text import split_front_matter  # noqa: E402
SEEDS = ROOT / "data" / "articles"


def article_page(text: str, tag: str = "p") -> str:
    """A seed article as a plain Arabic RTL page: each line a paragraph (the seeds have no headline);
    ``tag="h2"`` sets it all in a bold heading font instead."""
    paragraphs = "".join(f"<{tag}>{html.escape(line)}</{tag}>" for line in text.split("\n") if line.strip())
    title = html.escape(" ".join(text.split()[:8]))
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body>{paragraphs}</body></html>"
    )


#: Paired brackets and guillemets in Arabic, a Latin run with its own brackets, over wrapped lines
#: (seed 004's and seed 002's sentences, and one made of their words): Chromium draws a pair in an
#: Arabic run mirrored, so a reader that only reverses the line gets ``»…«``.
QUOTES = [
    "وجاء في البيان الختامي للمؤتمر في البيان الذي صادقت عليه قرابة مئة دولة غربية وعربية أن المشاركين "
    "يطالبون مجلس الأمن الدولي بأن «يفرض إجراءات تضمن احترام هذا القرار»، أي فرض عقوبات من الأمم المتحدة "
    "ضد نظام دمشق. وكانت 137 دولة (من أصل 193) صوتت بالموافقة على مشروع القرار [بحسب الأمم المتحدة]، "
    "ونقلت ذلك هيئة BBC (News) ووكالة فرانس برس (أ ف ب).",
    "بدوره أفاد عضو الهيئة العامة للثورة السورية هادي العبدالله من حمص وكالة فرانس برس بأن قوات النظام "
    "طوقت «الحي وهناك اشتباكات عنيفة مع عناصر الجيش الحر لاسيما من ناحية حي الانشاءات وشارع الملعب».",
]

SCAN_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"></head><body>'
    '<svg width="400" height="300"><rect x="20" y="20" width="300" height="200" fill="#888"/>'
    '<circle cx="200" cy="120" r="60" fill="#333"/></svg></body></html>'
)


def print_pdf(page: str, out: Path, chromium: str = "chromium") -> None:
    """Print the HTML ``page`` to ``out`` with headless Chromium (no header or footer)."""
    binary = shutil.which(chromium) or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--user-data-dir={tmp}/profile",
                "--no-pdf-header-footer",
                f"--print-to-pdf={out}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "formats")
    parser.add_argument("--all", action="store_true", help="also every seed as seed-NNN.pdf and bold-NNN.pdf")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    texts = [split_front_matter(seed.read_text(encoding="utf-8"))[1] for seed in seeds]  # the articles, not their dates
    print_pdf(article_page(texts[0]), args.out / "seed.pdf")
    print_pdf(article_page("\n".join(QUOTES)), args.out / "quotes.pdf")
    print_pdf(SCAN_PAGE, args.out / "scan.pdf")
    every = "\n".join(texts)
    print_pdf(article_page(every), args.out / "long.pdf")
    if args.all:
        for seed, text in zip(seeds, texts, strict=True):
            print_pdf(article_page(text), args.out / f"seed-{seed.name[:3]}.pdf")
            print_pdf(article_page(text, "h2"), args.out / f"bold-{seed.name[:3]}.pdf")
    print(f"wrote PDFs into {args.out}")


if __name__ == "__main__":
    main()
