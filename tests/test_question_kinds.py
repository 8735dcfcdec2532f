"""Reading a question (rag.answers.question, rag.answers.dialect): its kind, slot, attribute and constraints,
dialect question words as their standard forms. Pure text work: no index."""

from __future__ import annotations

import pytest

from rag.answers.checks import same_event, value_window
from rag.answers.dialect import is_dialect, standardise
from rag.answers.question import read_question
from rag.answers.subject import matches


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("ماذا حدث في دير الزور؟", "broad"),
        ("ما موقف الصين من القرار؟", "broad"),
        ("بماذا طالب المجلس الوطني السوري؟", "broad"),
        ("ما المدن التي شهدت اشتباكات؟", "broad"),
        ("من الدول التي عارضت القرار؟", "broad"),
        ("كيف ردت الحكومة السورية على القرار؟", "broad"),
        ("What happened in Homs?", "broad"),
        ("كم شخصا قتل في دمشق؟", "factoid"),
        ("من يقود لواء التوحيد؟", "factoid"),
        ("ما اسم السفير الروسي في الأمم المتحدة؟", "factoid"),
        ("ما هي الجهة التي أعلنت المسؤولية؟", "factoid"),
        ("لماذا انشق مناف طلاس؟", "why"),
        ("ما سبب انقطاع المياه؟", "why"),
        ("هل شاركت روسيا في مؤتمر باريس؟", "yesno"),
        ("Did Russia attend the Paris conference?", "yesno"),
    ],
)
def test_each_question_is_read_as_its_kind(question: str, kind: str) -> None:
    assert read_question(question).kind == kind


def test_a_factoid_has_its_slot_attribute_and_constraints() -> None:
    toll = read_question("كم قتيلا سقط في الرقة يوم الأحد؟")
    assert (toll.slot, sorted(toll.attribute)) == ("number", ["قتيل"])
    assert [(c.kind, c.text) for c in toll.constraints] == [("place", "الرقة"), ("day", "يوم الأحد")]
    assert read_question("ما هي الجهة التي أعلنت المسؤولية عن التفجير؟").slot == "organisation"
    assert read_question("متى انعقد المؤتمر؟").slot == "date"
    # «في أي مدينة» asks the question; «في جولته» is his tour, not a place: neither constrains the answer
    assert read_question("في أي مدينة عقد المؤتمر؟").constraints == ()
    assert [c.text for c in read_question("ما المحطة الأولى لأنان في جولته في الشرق الأوسط؟").constraints] == [
        "الشرق الأوسط"
    ]


def test_a_broad_question_names_who_or_what_it_is_about() -> None:
    assert read_question("ما موقف روسيا من قرار الجمعية العامة بشأن سوريا؟").focus == {"روسي"}
    assert read_question("كيف ردت الحكومة السورية على القرار؟").focus == {"حكومه"}
    assert read_question("ما المدن التي شهدت اشتباكات؟").focus == frozenset()


@pytest.mark.parametrize(
    ("dialect", "standard"),
    [
        ("شو صار بحمص؟", "ماذا حدث في حمص؟"),
        ("شو موقف روسيا من القرار؟", "ما موقف روسيا من القرار؟"),
        ("وين انعقد المؤتمر؟", "أين انعقد المؤتمر؟"),
        ("ليش انشق مناف طلاس؟", "لماذا انشق مناف طلاس؟"),
        ("قديش دولة صوتت مع القرار؟", "كم دولة صوتت مع القرار؟"),
        ("مين اللي بيقود الفرقة الرابعة؟", "من الذي يقود الفرقة الرابعة؟"),
        ("امتى انعقد المؤتمر؟", "متى انعقد المؤتمر؟"),
        ("حصل ايه في حمص؟", "ماذا حدث في حمص؟"),
        ("شلون ردت الصين؟", "كيف ردت الصين؟"),
        ("كام واحد مات في حادثة المركب؟", "كم شخصا مات في حادثة المركب؟"),
    ],
)
def test_dialect_question_words_read_as_their_standard_forms(dialect: str, standard: str) -> None:
    assert standardise(dialect) == standard
    assert is_dialect(dialect) and read_question(dialect).kind == read_question(standard).kind


def test_standard_questions_are_left_as_typed() -> None:
    for question in ("متى وصل الوفد إلى بيروت؟", "كم دولة صوتت بالموافقة؟", "ما موقف روسيا؟"):
        assert standardise(question) == question and not is_dialect(question)


def test_stems_of_one_word_match_and_other_places_do_not() -> None:
    assert matches("روسي", {"روس"}) and matches("سوري", {"سوريه"}) and matches("جولت", {"جوله"})
    assert not matches("حلبج", {"حلب"})


def test_values_are_compared_only_for_the_event_the_question_names() -> None:
    question = read_question("كم شخصا قتل في دمشق؟")
    damascus = "قتل 3 أشخاص وأصيب 22 آخرون بجروح، أمس، إثر سقوط قذائف هاون في دمشق القديمة، فيما سمع دوي انفجارات في حمص"
    syria = "قُتِلَ الجمعة 29 شخصا في اشتباكات وقصف في مناطق سورية مختلفة، في حين دارت اشتباكات في أحد أحياء دمشق"
    def idf(token: str) -> float:  # place names are rare, other words common (BM25's IDF in the product)
        return 5.0 if token in {"دمشق", "حمص", "سور", "\u0000unseen"} else 1.0

    assert same_event(question, *value_window(damascus, damascus.index("3")), idf)
    assert not same_event(question, *value_window(syria, syria.index("29")), idf)
    assert same_event(read_question("كم شخصا قتل؟"), *value_window(syria, syria.index("29")), idf)  # none named
    # the 22 wounded are Damascus's: Homs is named only after them
    assert not same_event(read_question("كم عدد الجرحى في حمص؟"), *value_window(damascus, damascus.index("22")), idf)
