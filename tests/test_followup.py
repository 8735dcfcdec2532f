"""Follow-up questions without an LLM: the carry-over rule, and Assistant.ask(history=...) on the seeds."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from rag import Assistant
from rag.followup import is_follow_up, previous_questions, standalone_question
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("followups_benchmark", ROOT / "benchmarks" / "followups.py")
assert spec and spec.loader
followups = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = followups  # its dataclasses look themselves up there
spec.loader.exec_module(followups)

FIRST = "من هو قائد لواء التوحيد؟"
HISTORY = [{"role": "user", "content": FIRST}, {"role": "assistant", "content": "عبد القادر الصالح [1]"}]


@pytest.mark.parametrize(
    ("question", "standalone"),
    [
        ("ومتى صرح بذلك؟", "متى صرح بذلك (قائد لواء التوحيد)؟"),  # after the word that points back
        ("ماذا قال عنه؟", "ماذا قال عنه (قائد لواء التوحيد)؟"),
        ("ومن يقودها؟", "من يقودها (قائد لواء التوحيد)؟"),  # a suffix: at the end
        ("وماذا قال عن الصحافيين؟", "ماذا قال عن الصحافيين (قائد لواء التوحيد)؟"),
        ("وماذا قال عن الصحافيين الأجانب؟", "ماذا قال عن الصحافيين الأجانب (قائد لواء التوحيد)؟"),  # قال names no one
        ("ما الذي قاله؟", "ما الذي قاله (قائد لواء التوحيد)؟"),
        ("and who leads it?", "who leads it (قائد لواء التوحيد)?"),
    ],
)
def test_arabic_follow_ups_carry_the_previous_subject(question: str, standalone: str) -> None:
    assert is_follow_up(question)
    assert standalone_question(question, HISTORY) == standalone


def test_the_follow_up_keeps_its_question_word_and_only_the_subject_is_carried() -> None:
    """The issue's pair: «ومن المسؤول عن ذلك؟» after a death-toll question asks who, about the dead —
    not «كم عدد» (the previous question's frame), and its pointer is filled in where it stands."""
    history = [("كم عدد القتلى الذين ذكرتهم التقارير؟", "…")]
    assert standalone_question("ومن المسؤول عن ذلك؟", history) == "من المسؤول عن ذلك (القتلى ذكرتهم التقارير)؟"
    venue = [("في أي مدينة عقد مؤتمر أصدقاء الشعب السوري؟", "…")]
    assert standalone_question("ومن افتتحه؟", venue) == "من افتتحه (عقد مؤتمر أصدقاء الشعب السوري)؟"
    assert standalone_question("Which one?", [("Which city hosted the Friends of Syria conference?", "")]) == (
        "Which one (hosted Friends Syria conference)?"
    )


@pytest.mark.parametrize(
    "question",
    [
        "ما هي الذخائر العنقودية؟",  # "هي" after a question word is "is", not "she"
        "كم دولة صوتت لصالح قرار الجمعية العامة؟",  # ة is not the pronoun ه
        "من هو رئيس فرع الأمن الجنائي في دمشق؟",
        "How many countries voted for the UN resolution on Syria?",
        # they name their own subject: a pronoun or demonstrative inside does not make them follow-ups
        "Who was in the Syrian government delegation that was due to arrive in Moscow?",
        "ما موقف هذه الدول من قرار الجمعية العامة؟",
        "من هو السفير الروسي في الأمم المتحدة الذي اعتبر القرار سابقة خطيرة؟",
        "وكم دولة امتنعت عن التصويت على قرار الجمعية العامة بشأن سوريا؟",
    ],
)
def test_questions_that_stand_alone_are_left_as_they_are(question: str) -> None:
    assert not is_follow_up(question)
    assert standalone_question(question, HISTORY) == question


def test_english_follow_up_and_a_chain_of_follow_ups() -> None:
    history = [("Who commands the Fourth Division of the Syrian army?", "Maher al-Assad [1]")]
    assert standalone_question("Whose brother is he?", history) == (
        "Whose brother is he (commands Fourth Division Syrian army)?"
    )
    chain = [*HISTORY, {"role": "user", "content": "ومتى صرح بذلك؟"}, {"role": "assistant", "content": "…"}]
    # the second follow-up inherits the subject the first one carried
    assert standalone_question("ولماذا؟", chain) == "لماذا (صرح بذلك قائد لواء التوحيد)؟"


def test_history_shapes_and_markup() -> None:
    gradio = [
        {
            "role": "user",
            "content": [{"type": "text", "text": '<div dir="auto">\n\nمن هو &quot;القائد&quot;؟\n\n</div>'}],
        },
        {"role": "assistant", "content": "<b>جواب</b>"},
    ]
    assert previous_questions(gradio) == [('من هو "القائد"؟', "جواب")]
    assert previous_questions(["سؤال أول", ("سؤال ثان", "جواب")]) == [("سؤال أول", ""), ("سؤال ثان", "جواب")]
    assert standalone_question("ومتى؟", None) == "ومتى؟"


def test_follow_up_through_the_assistant_finds_the_right_article(seed_assistant: Assistant) -> None:
    alone = seed_assistant.ask("وماذا قال عن الصحافيين الأجانب؟")
    follow_up = seed_assistant.ask("وماذا قال عن الصحافيين الأجانب؟", history=HISTORY)
    assert follow_up.standalone_question == "ماذا قال عن الصحافيين الأجانب (قائد لواء التوحيد)؟"
    assert alone.standalone_question is None
    assert follow_up.found and follow_up.citations[0].file == "001_98fba5ff296b2f2c.txt"
    assert "الصحافيين الأجانب" in follow_up.answer


def test_standalone_questions_asked_in_one_chat_get_the_answers_they_get_alone(seed_assistant: Assistant) -> None:
    """The whole seed gold set asked one after another in one chat, each turn's history growing."""
    from rag.gold import read_gold
    from tests.conftest import GOLD

    history: list[tuple[str, str]] = []
    same, rewritten = 0, []
    items = read_gold(GOLD)
    for item in items:
        alone = seed_assistant.ask(item.question)
        in_chat = seed_assistant.ask(item.question, history=history)
        same += (in_chat.answer, in_chat.citations) == (alone.answer, alone.citations)
        if in_chat.standalone_question is not None:
            rewritten.append(item.question)
        history.append((item.question, in_chat.answer))
    assert same / len(items) >= 0.95, rewritten
    assert len(rewritten) <= len(items) * 0.05, rewritten


def test_a_real_follow_up_after_other_questions_still_finds_its_subject(seed_assistant: Assistant) -> None:
    history = [("كم دولة عارضت قرار الجمعية العامة بشأن سوريا؟", "…"), (FIRST, "عبد القادر الصالح [1]")]
    answer = seed_assistant.ask("وماذا قال عن الصحافيين الأجانب؟", history=history)
    assert answer.standalone_question == "ماذا قال عن الصحافيين الأجانب (قائد لواء التوحيد)؟"
    assert answer.found and "الصحافيين الأجانب" in answer.answer


def test_follow_ups_get_the_answer_their_written_out_question_gets(seed_assistant: Assistant) -> None:
    """eval/followups_seeds.jsonl: each first question is asked, then its follow-up with that turn as history
    (as the chat passes it), then the follow-up written out in full by hand, alone. The two answers agree
    when both refuse or both quote the same sentence first (benchmarks/followups.py: ``agree``).

    Measured (2026-12): 22 of 26 agree (0.85); the rule that appended the previous question's words after
    the question mark: 18 of 26 (0.69).
    """
    pairs = followups.read_pairs()
    assert len(pairs) >= 15
    assert not [p.written_out for p in pairs if is_follow_up(p.written_out)]  # they name their own subject
    outcomes = followups.ask_pairs(seed_assistant, pairs)
    disagree = [(o.pair.id, o.searched) for o in outcomes if not o.agree]
    agreed = len(outcomes) - len(disagree)
    assert agreed >= 15 and agreed / len(outcomes) >= 0.8, disagree
