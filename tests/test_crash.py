"""Crash safety, for real: `sanad ingest` killed with SIGKILL at random moments, then run again.

Each trial starts an ingest of ~100 short Arabic articles (sentences of the seed articles) in a
subprocess, kills it with ``kill -9`` after a random delay, re-runs the real `sanad ingest`, and
checks the index against what a clean ingest of the same files holds: same chunk ids and texts,
no duplicates, Chroma and BM25 holding exactly the manifest's chunk ids, manifest hashes equal to
the files' bytes, vectors equal to a clean ingest's. Trials cycle through a fresh index, a
`--rebuild` and a changed corpus (files rewritten, removed, added), so kills land while adding,
updating, deleting, saving BM25 and saving the manifest. The killed runs checkpoint every second
(``CHECKPOINT_SECONDS``) and flush every 16 chunks so that the kill finds many half-done states.

Set ``SANAD_CRASH_SEED`` to replay a run; the seed and every delay are printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from ingest.chunker import chunk_text, split_sentences
from ingest.ids import chunk_id, file_id
from rag.lexical import LexicalIndex
from rag.store.chroma import open_vector_store
from tests.conftest import ROOT, SEEDS, article_text, write_config

pytestmark = pytest.mark.slow

ARTICLES = 100
# At least this many kills must hit a running ingest: 6 (each scenario twice, the delays stratified over the
# whole run) in the suite; SANAD_CRASH_KILLS=30 for a longer soak.
LANDED_KILLS = int(os.environ.get("SANAD_CRASH_KILLS", "6"))
MAX_TRIALS = 2 * LANDED_KILLS


def _sentences() -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for span in split_sentences(article_text(path), max_chars=300):
            if 40 <= len(span.text) <= 300:
                out.append(span.text)
    return out


def _article(rng: random.Random, sentences: list[str]) -> str:
    return " ".join(rng.sample(sentences, rng.randint(1, 3)))


def _make_corpus(folder: Path, rng: random.Random, articles: int = ARTICLES) -> None:
    folder.mkdir(parents=True)
    sentences = _sentences()
    for i in range(articles):
        (folder / f"{i:03d}.txt").write_text(_article(rng, sentences), encoding="utf-8")


def _mutate(folder: Path, rng: random.Random) -> None:
    """Rewrite 40 files, delete 10, add 10: updates, removals and additions in one ingest."""
    sentences = _sentences()
    files = sorted(folder.glob("*.txt"))
    for path in rng.sample(files, 40):
        path.write_text(_article(rng, sentences), encoding="utf-8")
    for path in rng.sample(files, 10):
        path.unlink()
    for _ in range(10):
        (folder / f"new-{rng.randrange(10**9):09d}.txt").write_text(_article(rng, sentences), encoding="utf-8")


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_WAIT_POLICY": "PASSIVE"}


def _sanad(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command, run to the end."""
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=600,
    )


def _killable(config: Path, *args: str) -> subprocess.Popen[bytes]:
    """`sanad ingest` with checkpoints every second, in its own process group."""
    code = (
        "import sys, rag.index.writer as p; p.CHECKPOINT_SECONDS = 1.0; "
        "from ui.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, "--config", str(config), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(),
        start_new_session=True,
    )


def _expected(corpus: Path) -> dict[str, tuple[str, int, int, str]]:
    """What a clean ingest must hold: chunk id -> (file, start, end, text), from the chunker."""
    root = str(corpus.resolve())
    out = {}
    for path in sorted(corpus.glob("*.txt")):
        key = file_id(root, path.name)
        for i, span in enumerate(chunk_text(article_text(path), max_chars=450, max_sentences=3)):
            out[chunk_id(key, i)] = (path.name, span.start, span.end, span.text)
    return out


def _state(config_index: tuple[Path, Path]) -> dict:
    """Everything stored: Chroma chunks with vectors, BM25 ids, manifest."""
    config, index = config_index
    from rag.config import load_config

    store = open_vector_store(load_config(config).store, index, fresh=True)
    got = store.client.get(include=["metadatas", "documents", "embeddings"])
    chroma = {
        i: (m["file"], m["start"], m["end"], d, np.asarray(e))
        for i, m, d, e in zip(got["ids"], got["metadatas"], got["documents"], got["embeddings"], strict=True)
    }
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    return {"chroma": chroma, "lexical": LexicalIndex.open(index / "lexical").ids(), "manifest": manifest}


def _check(state: dict, corpus: Path, clean_vectors: dict[str, np.ndarray]) -> int:
    """Assert the index is what a clean ingest of ``corpus`` gives; return how many vectors were compared."""
    expected = _expected(corpus)
    chroma, manifest = state["chroma"], state["manifest"]
    manifest_ids = {
        chunk_id(file_id(r["root"], r["file"]), i) for r in manifest["files"].values() for i in range(r["chunks"])
    }
    assert len(chroma) == len(expected), "chunk count differs from a clean ingest"
    assert set(chroma) == set(expected) == state["lexical"] == manifest_ids
    spans = {(f, s, e) for f, s, e, _, _ in chroma.values()}
    assert len(spans) == len(chroma), "a chunk is stored twice"
    compared = 0
    for cid, (file, start, end, text, vector) in chroma.items():
        assert (file, start, end, text) == expected[cid]
        reference = clean_vectors.get(text)  # one-line articles: the embedded text is the chunk text
        if reference is not None:
            cosine = float(np.dot(vector, reference) / np.linalg.norm(vector) / np.linalg.norm(reference))
            assert cosine > 0.999, f"{cid}: its vector is not the one of its text"
            compared += 1
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus.glob("*.txt")}
    assert {r["file"]: r["sha256"] for r in manifest["files"].values()} == on_disk
    return compared


def test_kill_9_at_random_moments_then_reingest_gives_a_clean_index(tmp_path: Path) -> None:
    seed = int(os.environ.get("SANAD_CRASH_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    corpus = tmp_path / "articles"
    _make_corpus(corpus, rng)

    # A clean ingest of the same files into another index: the reference.
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    clean_config = write_config(
        clean_dir, corpus={"path": str(corpus)}, index={"path": str(clean_dir / "index")}, embedding={"batch_size": 4}
    )
    started = time.monotonic()
    done = _sanad(clean_config, "ingest", "--quiet")
    clean_seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    clean = _state((clean_config, clean_dir / "index"))
    _check(clean, corpus, {})
    clean_vectors = {row[3]: row[4] for row in clean["chroma"].values()}
    print(f"\nseed {seed}; clean ingest: {len(clean['chroma'])} chunks in {clean_seconds:.1f} s")

    work = tmp_path / "work"
    work.mkdir()
    index = work / "index"
    config = write_config(work, corpus={"path": str(corpus)}, index={"path": str(index)}, embedding={"batch_size": 4})
    started = time.monotonic()
    assert _sanad(config, "ingest", "--quiet").returncode == 0
    clean_seconds = min(clean_seconds, time.monotonic() - started)  # the faster of two: delays land in a run

    landed, trials = 0, []
    for trial in range(MAX_TRIALS):
        if landed >= LANDED_KILLS:
            break
        scenario = ("fresh", "rebuild", "changed corpus")[trial % 3]
        args = ["ingest", "--quiet"]
        if scenario == "fresh":
            shutil.rmtree(index)
        elif scenario == "rebuild":
            args.append("--rebuild")
        else:
            _mutate(corpus, rng)
        # Stratified random delays: together they cover the whole run, from start-up to the last save.
        delay = clean_seconds * (landed + rng.random()) / LANDED_KILLS
        if scenario == "changed corpus":  # only ~a third of the files change: a much shorter run
            delay = min(delay, 1.0 + 3.0 * rng.random())
        process = _killable(config, *args)
        time.sleep(delay)
        killed = process.poll() is None
        if killed:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        left = (index / "manifest.json").exists()
        rerun = _sanad(config, "ingest", "--quiet")
        assert rerun.returncode == 0, f"seed {seed}, trial {trial}: {rerun.stderr}"
        state = _state((config, index))
        assert _check(state, corpus, clean_vectors) > 0
        landed += killed
        trials.append((scenario, round(delay, 2), killed, left, rerun.stdout.strip().splitlines()[0]))
        print(
            f"  {scenario:15} kill after {delay:5.2f} s: {'killed' if killed else 'had finished'}; re-run: "
            f"{trials[-1][-1]}"
        )

    assert landed >= LANDED_KILLS, f"only {landed} kills hit a running ingest: {trials}"


# ---------------------------------------------------------------------------------------------------------------
# An archive of a few thousand records: `sanad ingest` killed in its words stage and in its vector stage.

ARCHIVE_RECORDS = int(os.environ.get("SANAD_CRASH_RECORDS", "2000"))
ARCHIVE_FILES = 8


def _make_archive(folder: Path, rng: random.Random, records: int = ARCHIVE_RECORDS) -> None:
    """JSON-lines exports of short dated (a tenth undated) articles, as SaudiNewsNet's outlets export them."""
    folder.mkdir(parents=True)
    sentences = _sentences()
    outlets = ["سبق", "الرياض", "عكاظ", "اليوم"]
    per_file = -(-records // ARCHIVE_FILES)
    for f in range(ARCHIVE_FILES):
        lines = []
        for i in range(f * per_file, min(records, (f + 1) * per_file)):
            day = None if rng.random() < 0.1 else f"2015-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            lines.append(
                json.dumps(
                    {
                        "id": f"r{i:05d}",
                        "title": f"خبر رقم {i} {rng.choice(sentences)[:40]}",
                        "content": _article(rng, sentences),
                        "date_extracted": day,
                        "source": rng.choice(outlets),
                    },
                    ensure_ascii=False,
                )
            )
        (folder / f"export-{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _hashed(config: Path, *args: str, wait: bool = True):
    """`sanad` with the hashed stand-in encoder (tests/hashed_encoder.py), checkpoints every second, words
    stored 200 chunks at a time."""
    from tests.hashed_encoder import USE_IN_SUBPROCESS

    code = (
        USE_IN_SUBPROCESS + "import sys, rag.index.writer as p; p.CHECKPOINT_SECONDS = 1.0; p.WORDS_BATCH = 200; "
        "from ui.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    command = [sys.executable, "-c", code, "--config", str(config), *args]
    if wait:
        return subprocess.run(command, capture_output=True, text=True, env=_env(), timeout=600)
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(), start_new_session=True
    )


def _whole_state(config: Path, index: Path) -> dict:
    """Everything stored: chunks (text, metadata, vector), sentence vectors, BM25 tokens, manifest, pending."""
    from rag.config import load_config
    from rag.store.chroma import open_sentence_vectors
    from rag.store.pending import PendingChunks

    store_config = load_config(config).store
    got = open_vector_store(store_config, index, fresh=True).client.get(
        include=["metadatas", "documents", "embeddings"]
    )
    chunks = {
        i: ((d, m["file"], m["record"], m["start"], m["end"], m.get("published_day")), np.asarray(e))
        for i, m, d, e in zip(got["ids"], got["metadatas"], got["documents"], got["embeddings"], strict=True)
    }
    rows = open_sentence_vectors(store_config, index).collection.get(include=["metadatas", "embeddings"])
    sentences = {
        i: (m["h"], np.asarray(e)) for i, m, e in zip(rows["ids"], rows["metadatas"], rows["embeddings"], strict=True)
    }
    lines = (index / "lexical" / "tokens.jsonl").read_text(encoding="utf-8").splitlines()
    tokens = [json.loads(line) for line in lines]
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    files = {k: {f: v for f, v in r.items() if f != "ingested_at"} for k, r in manifest["files"].items()}
    pending = PendingChunks(index / "pending" / "chunks.sqlite")
    waiting = pending.count()
    pending.close()
    return {"chunks": chunks, "sentences": sentences, "tokens": {t["id"]: t["t"] for t in tokens}, "files": files,
            "pending": waiting}  # fmt: skip


def _same_as_one_shot(state: dict, reference: dict, where: str) -> None:
    assert state["pending"] == 0, f"{where}: chunks left without vectors"
    assert state["files"] == reference["files"], f"{where}: the manifests differ"
    assert state["tokens"] == reference["tokens"], f"{where}: the BM25 tokens differ"
    assert set(state["chunks"]) == set(reference["chunks"]), f"{where}: the chunk ids differ"
    assert set(state["sentences"]) == set(reference["sentences"]), f"{where}: the sentence ids differ"
    for cid, (row, vector) in reference["chunks"].items():
        assert state["chunks"][cid][0] == row, f"{where}: {cid} differs"
        assert np.allclose(state["chunks"][cid][1], vector, atol=1e-5), f"{where}: {cid}'s vector differs"
    for sid, (digest, vector) in reference["sentences"].items():
        assert state["sentences"][sid][0] == digest and np.allclose(state["sentences"][sid][1], vector, atol=1e-5)


def test_kill_9_in_either_stage_of_an_archive_then_resume_equals_a_one_shot_ingest(tmp_path: Path) -> None:
    seed = int(os.environ.get("SANAD_CRASH_SEED", random.randrange(10**6)))
    rng = random.Random(seed)
    corpus = tmp_path / "archive"
    _make_archive(corpus, rng)

    # The one-shot reference, timed: when the words stage announced itself, and the whole run.
    (tmp_path / "one-shot").mkdir()
    config = write_config(tmp_path / "one-shot", corpus={"path": str(corpus)}, index={"path": str(tmp_path / "ref")})
    started = time.monotonic()
    process = _hashed(config, "ingest", "--quiet", wait=False)
    searchable_at = None
    for line in process.stdout:
        if "articles searchable" in line and searchable_at is None:
            searchable_at = time.monotonic() - started
    assert process.wait() == 0 and searchable_at is not None
    total = time.monotonic() - started
    reference = _whole_state(config, tmp_path / "ref")
    assert reference["pending"] == 0 and len(reference["files"]) == ARCHIVE_RECORDS
    chunks = len(reference["chunks"])
    print(f"\nseed {seed}: {chunks} chunks; searchable after {searchable_at:.1f} s, done {total:.1f} s")

    index = tmp_path / "index"
    (tmp_path / "work").mkdir()
    config = write_config(tmp_path / "work", corpus={"path": str(corpus)}, index={"path": str(index)})
    # Each kill waits for its stage to begin (the pending chunks' file, then the vector stage's fill.json),
    # then a random part of that stage's time in the one-shot run.
    fill_seconds = total - searchable_at
    trials = [
        ("words", "ingest", index / "pending" / "chunks.sqlite", rng.uniform(0.0, 0.2)),
        ("vectors", "ingest", index / "fill.json", rng.uniform(0.0, 0.8 * fill_seconds)),
        ("vectors", "vectors", index / "fill.json", rng.uniform(0.0, 0.8 * fill_seconds)),
    ]
    hit = set()
    for planned, resume, begun, delay in trials:
        shutil.rmtree(index, ignore_errors=True)
        process = _hashed(config, "ingest", "--quiet", wait=False)
        deadline = time.monotonic() + 120
        while not begun.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(delay)
        assert process.poll() is None, f"seed {seed}: the ingest ended before the kill ({planned}, {delay:.1f} s)"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        stage = "vectors" if (index / "fill.json").exists() else "words"  # the vector stage writes it first
        resume = resume if stage == "vectors" else "ingest"  # `sanad vectors` completes only a words-done index
        hit.add(stage)
        done = _hashed(config, resume, "--quiet")
        assert done.returncode == 0, f"seed {seed}: {done.stderr[-2000:]}"
        _same_as_one_shot(_whole_state(config, index), reference, f"seed {seed}, kill in {stage} after {delay:.1f} s")
        print(f"  kill {delay:.1f} s into the {stage} stage, then `sanad {resume}`: equal to the one-shot ingest")
    assert hit == {"words", "vectors"}, f"seed {seed}: kills landed only in {hit}"
