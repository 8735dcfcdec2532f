"""Person names in a sentence, for «ما اسم …» and «من …» questions: a quoted run of name words
(«"سيف يوسف أحمد الفلاسي"»), or the run of name words after a title or role word («ضابط الصف سيف
يوسف أحمد الفلاسي», «المتحدث الرسمي العقيد سعيد سرحان»). Words the question holds are never the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.textnorm import ARABIC_STOPWORDS, normalize
from rag.gather.numbers import Token, bare

__all__ = ["NameSpan", "name_key", "name_spans"]

_QUOTES = frozenset("\"«»“”‘’'")
_TITLES = frozenset(
    normalize(w)
    for w in """ضابط الضابط الرقيب رقيب العريف عريف الجندي جندي الشهيد شهيد المتحدث الناطق الأمير الرئيس الملك
    الشيخ الدكتور د اللواء العميد العقيد المقدم الرائد النقيب الملازم الوزير المهندس المواطن الأستاذ يدعى
    المدعو الفريق السفير المستشار القاضي""".split()
)
# Words that end a name run: function words and the common words that follow a name in news.
_NOT_NAME = ARABIC_STOPWORDS | frozenset(
    normalize(w)
    for w in """أثناء خلال اليوم أمس يوم برتبة رتبة بعد قبل الذي التي الذين وذلك حيث إثر جراء أن إن قال
    وقال أكد أوضح أشار مساء صباح ضمن لدى برتبه""".split()
)
_NAME_LINKS = frozenset({"بن", "ابن", "ال", "ابو", "عبد", "بنت"})
#: Words after which the person leading something is named («برئاسة فلان», «يقودها فلان»).
_LED_BY = frozenset(normalize(w) for w in "برئاسة بقيادة يقودها يقوده يتزعمها يتزعمه يرأسها يرأسه ويرأسها ويقودها".split())
#: Roles a name comes before («عبد القادر الصالح قائد لواء التوحيد»).
_ROLES = frozenset(
    normalize(w)
    for w in "قائد رئيس زعيم مدير متحدث وزير أمين مندوب ممثل سفير نائب مسؤول مدرب محافظ قائدا رئيسا".split()
)
_ROLE_NAME_WORDS = 3
_MAX_WORDS = 6


@dataclass(frozen=True)
class NameSpan:
    """A name over tokens ``first``..``last`` and how it was found (``quoted`` or after a ``title``)."""

    first: int
    last: int
    how: str
    title: str


def name_key(text: str) -> str:
    """The words of a name, normalised (alef, yaa, taa marbuta folded; diacritics and quotes dropped)."""
    return " ".join(normalize(text).split())


def _name_word(tok: Token, question: frozenset[str]) -> bool:
    return tok.kind == "word" and tok.norm not in _NOT_NAME and bare(tok.norm) not in question and len(tok.norm) > 1


def _run(toks: list[Token], i: int, question: frozenset[str]) -> int:
    """The index of the last token of the name run starting at ``toks[i]`` (i - 1 when there is none).
    The run stops at a non-name word, a punctuation mark, or after a family name with «ال» («الفلاسي»)."""
    j = i
    while (
        j < len(toks)
        and j - i < _MAX_WORDS
        and (
            _name_word(toks[j], question)
            or toks[j].norm == "علي"  # the name Ali folds like «على»: a name word when one follows it
            and j + 1 < len(toks)
            and _name_word(toks[j + 1], question)
        )
    ):
        word = toks[j].norm
        if word.startswith("ال") and word not in _NAME_LINKS and j > i and toks[j - 1].norm not in _NAME_LINKS:
            return j
        j += 1
    return j - 1


def name_spans(toks: list[Token], question_words: frozenset[str]) -> list[NameSpan]:
    """Candidate names of two to six words in ``toks``: quoted runs first met, then runs after titles.
    ``question_words`` are normalised words without clitics; a run holding one is not a name."""
    out: list[NameSpan] = []
    for i, tok in enumerate(toks):
        if tok.norm in _QUOTES and i + 1 < len(toks):
            last = _run(toks, i + 1, question_words)
            closed = last + 1 < len(toks) and toks[last + 1].norm in _QUOTES
            if last - i >= 2 and closed:
                out.append(NameSpan(i + 1, last, "quoted", ""))
        elif tok.kind == "word" and bare(tok.norm) in _ROLES and i >= 2:
            for start in range(max(0, i - _ROLE_NAME_WORDS), i - 1):  # the longest name ending right before it
                if _run(toks, start, question_words) == i - 1 and all(t.kind == "word" for t in toks[start:i]):
                    out.append(NameSpan(start, i - 1, "role", bare(tok.norm)))
                    break
        if tok.kind == "word" and (tok.norm in _TITLES or bare(tok.norm) in _TITLES or tok.norm in _LED_BY):
            j = i + 1
            while j < len(toks) and j - i <= 2 and toks[j].kind == "word" and toks[j].norm.startswith("ال"):
                j += 1  # «ضابط الصف», «المتحدث الرسمي»
            while j < len(toks) and toks[j].norm in _TITLES:
                j += 1  # «المتحدث الرسمي العقيد»
            last = _run(toks, j, question_words)
            if last - j >= 1:
                out.append(NameSpan(j, last, "title", bare(tok.norm)))
    return out
