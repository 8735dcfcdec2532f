"""A sparse subject's timeline is not padded with look-alikes (issue 32): the relevance floor is relative
to the subject's best articles, and an article must hold the subject's distinctive term (a place, a name).

Real ingest of a small export written for this test: two reports of a bomb in the Bahraini village of
al-Ekr, three of another bombing in Bahrain a week later (Sitra), six on other subjects (three
with an «انفجار» of another kind); the real
encoder, Chroma and BM25. With the floor absolute and no term required (the settings before), the Sitra
reports were listed under «انفجار العكر»; with the defaults they are not, and the Ekr reports still are.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ingest.chunker import Span
from rag.assistant import Assistant
from rag.config import TimelineConfig
from rag.gather.articles import ArticlePick
from rag.gather.timeline import distinctive_terms, relevance_floor
from rag.types import Passage
from tests.conftest import write_config, write_news

SUBJECT = "انفجار العكر في البحرين"
RECORDS = [
    ("ekr-1", "انفجار يستهدف دورية للشرطة في قرية العكر", "2015-07-19", "alweeam",
     "أعلنت وزارة الداخلية البحرينية أن انفجارا استهدف دورية للشرطة في قرية العكر الغربي قرب العاصمة المنامة. "
     "ووصفت الوزارة الانفجار بأنه عمل إرهابي، وقالت إن الأجهزة الأمنية باشرت التحقيق في الحادث."),
    ("ekr-2", "إصابة رجل أمن بانفجار قنبلة في العكر", "2015-07-21", "alyaum",
     "أصيب رجل أمن بانفجار قنبلة محلية الصنع في قرية العكر الغربي بمملكة البحرين. "
     "وقال مدير شرطة محافظة العاصمة إن القنبلة زرعت على جانب الطريق الذي تسلكه الدوريات في القرية."),
    ("sitra-1", "مقتل شرطيين في تفجير إرهابي بسترة", "2015-07-28", "aawsat",
     "قتل شرطيان وأصيب ستة آخرون في تفجير إرهابي استهدف دورية للشرطة في جزيرة سترة بمملكة البحرين. "
     "وقالت وزارة الداخلية البحرينية إن عبوة ناسفة انفجرت لدى مرور الدورية."),
    ("sitra-2", "البحرين تقبض على مشتبه بهم في تفجير سترة", "2015-07-30", "3alyoum",
     "قالت وزارة الداخلية البحرينية إنها قبضت على عدد من المشتبه بتورطهم في التفجير الذي وقع في سترة "
     "وأسفر عن مقتل شرطيين. وأضافت أن التحريات مستمرة لكشف بقية المتورطين في الانفجار."),
    ("sitra-3", "دول الخليج تدين تفجير سترة", "2015-07-31", "alriyadh",
     "أدانت دول مجلس التعاون الخليجي التفجير الإرهابي الذي استهدف رجال الشرطة في سترة بمملكة البحرين. "
     "وأكدت وقوفها مع البحرين في مواجهة كل ما يهدد أمنها واستقرارها."),
    ("off-1", "الهلال يفوز على النصر في الدوري", "2015-07-22", "sabq",
     "فاز فريق الهلال على النصر بهدفين مقابل هدف في مباراة الجولة العاشرة من دوري كرة القدم."),
    ("off-2", "ارتفاع أسعار النفط في الأسواق العالمية", "2015-07-23", "okaz",
     "ارتفعت أسعار النفط في الأسواق العالمية بنسبة اثنين في المئة بعد تراجع المخزونات الأمريكية."),
    ("off-3", "افتتاح معرض الرياض الدولي للكتاب", "2015-07-24", "al-madina",
     "افتتح وزير الثقافة والإعلام معرض الرياض الدولي للكتاب بمشاركة أكثر من خمسمئة دار نشر."),
    ("off-4", "انفجار أنبوب غاز في مطعم بجدة", "2015-07-25", "okaz",
     "أدى انفجار أنبوب غاز في مطعم بحي الصفا في جدة إلى إصابة ثلاثة عمال، وباشر الدفاع المدني إخماد الحريق."),
    ("off-5", "انفجار إطار شاحنة يغلق طريق الرياض", "2015-07-26", "sabq",
     "تسبب انفجار إطار شاحنة محملة بالإسمنت في إغلاق طريق الرياض الدمام السريع لساعتين دون إصابات."),
    ("off-6", "خبراء: انفجار سكاني في المدن الكبرى", "2015-07-27", "alriyadh",
     "حذر خبراء في التخطيط العمراني من انفجار سكاني في المدن الكبرى إذا لم تتوسع مشاريع الإسكان."),
]  # fmt: skip
#: The settings before issue 32: an absolute floor, no term required.
BEFORE = {"relative_floor": 0.0, "distinctive_rarity": 1.0}
#: A relative floor and a distinctive term required.
AFTER = {"relative_floor": 0.75, "distinctive_rarity": 0.45}


def _archive(folder: Path, **timeline: float) -> Assistant:
    corpus = folder / "articles"
    write_news(corpus, RECORDS)
    config = write_config(folder, corpus={"path": str(corpus)}, index={"path": str(folder / "index")}, timeline=timeline)
    return Assistant.from_config(config)


@pytest.fixture(scope="module")
def assistants(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Assistant]:
    """``(after, before)``: the same index read with both rules and with the settings before."""
    folder = tmp_path_factory.mktemp("lookalikes")
    now = _archive(folder, **AFTER)
    assert len(now.ingest().added) == len(RECORDS)
    return now, _archive(folder, **BEFORE)


def test_a_sparse_subject_lists_its_own_articles_not_the_look_alikes(assistants) -> None:
    now, before = assistants
    padded = {item.citation.record for item in before.timeline(SUBJECT).items}
    assert {"ekr-1", "ekr-2"} <= padded and padded & {"sitra-1", "sitra-2", "sitra-3"}  # what the issue saw
    assert {item.citation.record for item in now.timeline(SUBJECT).items} == {"ekr-1", "ekr-2"}
    sitra = {item.citation.record for item in now.timeline("تفجير سترة").items}
    assert {"sitra-1", "sitra-2", "sitra-3"} <= sitra and not sitra & {"ekr-1", "ekr-2"}


def _pick(relevance: float, terms: frozenset[str] = frozenset()) -> ArticlePick:
    passage = Passage("a-00000", "a.txt", "/c", 0, 4, "نص.", 1.0)
    return ArticlePick("a", passage, Span(0, 4, "نص."), Span(0, 4, "نص."), relevance, terms)


def test_the_floor_follows_the_subjects_best_articles() -> None:
    config = TimelineConfig(min_relevance=0.45, relative_floor=0.7)
    assert relevance_floor([_pick(1.0), _pick(0.9), _pick(0.8), _pick(0.3)], config) == pytest.approx(0.63)
    assert relevance_floor([_pick(0.5), _pick(0.4)], config) == 0.45  # never under the absolute floor
    assert relevance_floor([], config) == 0.45


def test_distinctive_terms_are_the_subjects_rare_ones() -> None:
    n, df = 1000, {"سروج": 3, "تفجير": 80}
    idf = lambda t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5))  # noqa: E731 (BM25's)
    assert distinctive_terms("تفجير سروج", idf, 0.6) == {"سروج"}
    assert distinctive_terms("تفجير سروجات", idf, 0.6) == frozenset()  # a term no passage holds is no guide
    assert distinctive_terms("تفجير سروج", idf, 1.0) == frozenset()  # 1: off
