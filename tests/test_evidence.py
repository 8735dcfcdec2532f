"""What a question asks for, and whether a sentence supplies it (real Arabic and English strings)."""

from __future__ import annotations

import pytest

from ingest.chunker import Span
from ingest.textnorm import content_tokens
from rag.answers.evidence import analyse_question, supplies
from rag.answers.focus import clauses, focus_of


@pytest.mark.parametrize(
    ("question", "kind", "attribute"),
    [
        ("كم عمر الرئيس الفرنسي فرنسوا هولاند؟", "number", "عمر"),
        ("ما اسم زوجة بشار الجعفري مندوب سوريا في الأمم المتحدة؟", "name", "زوج"),
        ("في أي ساعة وصل كوفي أنان إلى القاهرة؟", "time", "وصل"),
        ("ومتى انشق العميد مناف طلاس؟", "date", "انشق"),
        ("في أي مدينة عقد مؤتمر أصدقاء الشعب السوري؟", "place", "عقد"),  # «مدينة» names the type here
        ("كم دولة صوتت بالموافقة على القرار؟", "number", "دول"),  # «دولة» is what is counted here
        ("من هو قائد لواء التوحيد؟", "person", "قايد"),
        ("How many Syrian refugees are registered?", "number", "syrian"),
        ("In which year was the council founded?", "date", "council"),
    ],
)
def test_the_question_names_its_answer_type_and_attribute(question: str, kind: str, attribute: str) -> None:
    needs = analyse_question(question)
    assert needs.kind == kind
    assert needs.attribute == content_tokens(attribute) or attribute in needs.attribute


def test_numbers_dates_and_times_are_seen_in_arabic_text() -> None:
    assert supplies("number", "سقطت 8 صواريخ مصدرها الأراضي السورية على البقاع الشمالي") is True
    assert supplies("number", "وقتل ثلاثة أشخاص وأصيب آخرون") is True  # a number in words, after «و»
    assert supplies("number", "وكان الرئيس الفرنسي أعرب في افتتاح المؤتمر عن أمله") is False
    assert supplies("number", "قتل في زلزال عام 2011", frozenset({"2011"})) is False  # the question's own number
    assert supplies("date", "انعقد المؤتمر يوم الجمعة في باريس") is True
    assert supplies("date", "وصل أنان إلى القاهرة والتقى العربي") is False
    assert supplies("time", "وصل أنان إلى القاهرة الساعة 10 صباحا") is True
    assert supplies("time", "وصل أنان إلى القاهرة أمس") is False
    assert supplies("person", "أي نص") is None  # not seen in text: only the attribute is checked


def test_clauses_keep_the_files_offsets() -> None:
    text = (
        "مقدمة. وفي سياق متصل صرح عبد القادر الصالح قائد لواء التوحيد بأن النظام أصدر تعليمات، وأضاف أن القوات تقدمت."
    )
    start = text.index("وفي")
    span = Span(text[start:], start, len(text))
    parts = clauses(span)
    assert len(parts) >= 3
    assert all(text[p.start : p.end] == p.text for p in parts)
    assert parts[0].text.startswith("وفي سياق") and parts[0].text.endswith("لواء التوحيد")


def test_the_focus_is_where_the_question_meets_its_answer_type() -> None:
    sentence = "وأعلن المجلس الوطني السوري تشكيل مكتب عسكري، وصوتت 137 دولة لصالح القرار، بينما عارضته 12 دولة."
    span = Span(sentence, 40, 40 + len(sentence))
    question = "كم دولة صوتت لصالح القرار؟"
    focus = focus_of(span, content_tokens(question), analyse_question(question), lambda _token: 1.0)
    assert "137" in focus.text and "المجلس" not in focus.text
    assert sentence[focus.start - 40 : focus.end - 40] == focus.text
