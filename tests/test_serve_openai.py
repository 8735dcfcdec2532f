"""``sanad serve``'s OpenAI-compatible ``/v1`` and ``/api/ask``, driven by the official ``openai`` SDK and httpx.

The server is the real ``sanad serve`` in a subprocess over the seed index; the in-process
``seed_assistant`` reads the same index, so both must give the same answers.
"""

from __future__ import annotations

import httpx
import pytest

from rag.questions import MAX_QUESTION_CHARS
from tests.serve_support import TOKEN
from ui.api.replies import history_turns

openai = pytest.importorskip("openai", reason="the openai SDK is installed with the `test` extra")

QUESTION = "كم دولة صوتت لصالح القرار؟"
FIRST = "من هو قائد لواء التوحيد؟"
FOLLOW_UP = "وماذا قال عن الصحافيين الأجانب؟"


@pytest.fixture(scope="module")
def client(serve_url: str):
    return openai.OpenAI(base_url=f"{serve_url}/v1", api_key=TOKEN, max_retries=0, timeout=120)


def _quotes_its_file(assistant, citation: dict) -> bool:
    return assistant.read_source(citation["file"]).text[citation["start"] : citation["end"]] == citation["text"]


def test_models_lists_sanad_and_the_token_is_required(serve_url: str, client) -> None:
    assert [m.id for m in client.models.list().data] == ["sanad"]
    stranger = openai.OpenAI(base_url=f"{serve_url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        stranger.models.list()
    assert caught.value.status_code == 401 and "Bearer" in str(caught.value)


def test_a_completion_is_the_assistants_answer_with_sources_and_citations(seed_assistant, client) -> None:
    reference = seed_assistant.ask(QUESTION)
    assert reference.found and reference.citations
    response = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": QUESTION}])
    body = response.model_dump()
    content = response.choices[0].message.content
    assert response.choices[0].finish_reason == "stop" and response.model == "sanad"
    assert content.startswith(reference.answer)  # the answer with its [n] markers, then the sources
    assert "\n\nالمصادر:\n[1] " in content and reference.citations[0].file in content
    assert body["citations"] == [c.to_dict() for c in reference.citations]
    assert body["sanad"]["found"] is True and body["sanad"]["confidence"] == round(reference.confidence, 4)
    assert body["sanad"]["items"] == [i.to_dict() for i in reference.items] and body["sanad"]["items"]
    assert all(_quotes_its_file(seed_assistant, c) for c in body["citations"])


def test_a_partial_answer_and_a_refusal_carry_their_outcome_and_nearest_passages(seed_assistant, client) -> None:
    for question, outcome in (("كم عمر الرئيس الفرنسي فرنسوا هولاند؟", "partial"), ("ما موقف اليابان من القرار؟", "not_found")):
        reference = seed_assistant.ask(question)
        assert reference.outcome == outcome and reference.nearest
        body = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": question}])
        sanad, content = body.model_dump()["sanad"], body.choices[0].message.content
        assert sanad["outcome"] == outcome and sanad["found"] is False and sanad["kind"] == reference.kind
        assert sanad["nearest"] == [c.to_dict() for c in reference.nearest]
        assert content.startswith(reference.answer) and "الأقرب في المقالات (ليست إجابة):\n[" in content


def test_a_stream_gives_the_same_text_and_ends_with_the_citations(client) -> None:
    whole = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": QUESTION}])
    chunks = list(
        client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": QUESTION}], stream=True)
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    last = chunks[-1].model_dump()
    assert last["choices"][0]["finish_reason"] == "stop"
    assert last["citations"] == whole.model_dump()["citations"] and last["citations"]
    assert all("citations" not in c.model_dump() for c in chunks[:-1])


def test_earlier_messages_are_the_history_of_a_follow_up(seed_assistant, client) -> None:
    first = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": FIRST}])
    earlier = [
        {"role": "system", "content": "You are a helpful assistant."},  # a client's system prompt: ignored
        {"role": "user", "content": FIRST},
        {"role": "assistant", "content": first.choices[0].message.content},  # with its sources block
    ]
    reply = client.chat.completions.create(model="sanad", messages=[*earlier, {"role": "user", "content": FOLLOW_UP}])
    reference = seed_assistant.ask(FOLLOW_UP, history=history_turns(earlier))  # what the door passes on
    body = reply.model_dump()
    assert body["sanad"]["standalone_question"] == reference.standalone_question
    assert reference.standalone_question and "لواء التوحيد" in reference.standalone_question
    assert (
        body["citations"] == [c.to_dict() for c in reference.citations]
        and "الصحافيين الأجانب" in body["choices"][0]["message"]["content"]
    )
    alone = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": FOLLOW_UP}])
    assert alone.model_dump()["sanad"]["standalone_question"] is None


def test_bad_requests_get_openai_error_objects(client) -> None:
    user = [{"role": "user", "content": QUESTION}]
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=user)
    assert caught.value.status_code == 404 and caught.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="sanad", messages=[])
    assert caught.value.status_code == 400 and caught.value.param == "messages"
    with pytest.raises(openai.BadRequestError, match="last message"):
        client.chat.completions.create(model="sanad", messages=[*user, {"role": "assistant", "content": "…"}])
    with pytest.raises(openai.BadRequestError, match=str(MAX_QUESTION_CHARS)):
        client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": "سؤال " * 500}])
    with pytest.raises(openai.APIStatusError) as caught:  # a body over the limit never reaches the answerer
        client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": "ب" * 600_000}])
    assert caught.value.status_code == 413
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="sanad", messages=[{"role": 7}])
    assert "role" in str(caught.value)


def test_rest_ask_returns_the_ask_json_object(seed_assistant, serve_url: str) -> None:
    reference = seed_assistant.ask(QUESTION).to_dict()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reply = httpx.post(f"{serve_url}/api/ask", json={"question": QUESTION}, headers=auth, timeout=120)
    assert reply.json()["outcome"] == "answered" and reply.json()["kind"] == "factoid"
    assert reply.status_code == 200
    body = reply.json()
    assert body.keys() == reference.keys()
    assert {k: v for k, v in body.items() if k != "timings_ms"} == {
        k: v for k, v in reference.items() if k != "timings_ms"
    }
    assert httpx.post(f"{serve_url}/api/ask", json={"question": QUESTION}, timeout=30).status_code == 401
    bad = httpx.post(f"{serve_url}/api/ask", json={"question": QUESTION, "top_k": 0}, headers=auth, timeout=30)
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "top_k"


def test_rest_status_says_how_far_the_index_is(seed_assistant, serve_url: str) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status = httpx.get(f"{serve_url}/api/status", headers=auth, timeout=30)
    assert status.status_code == 200
    expected = seed_assistant.reader.status()
    assert status.json() == {**expected.to_dict(), "line": expected.line()}
    assert status.json()["vectors_done"] == status.json()["vectors_total"] > 0
    assert httpx.get(f"{serve_url}/api/status", timeout=30).status_code == 401


def test_date_and_outlet_filters_reach_the_answer(seed_assistant, serve_url: str, client) -> None:
    """The seeds carry no date: a period filter leaves no article, and the answer says so for that period."""
    from rag.types import SearchFilters

    filters = SearchFilters.parse(since="2031-01-01")
    reference = seed_assistant.ask(QUESTION, filters=filters)
    assert not reference.found and "2031-01-01" in reference.answer
    auth = {"Authorization": f"Bearer {TOKEN}"}
    reply = httpx.post(f"{serve_url}/api/ask", json={"question": QUESTION, "since": "2031-01-01"}, headers=auth)
    assert reply.status_code == 200 and reply.json()["answer"] == reference.answer and not reply.json()["found"]
    bad = httpx.post(f"{serve_url}/api/ask", json={"question": QUESTION, "since": "1/3/2012"}, headers=auth)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]["message"]
    scoped = client.chat.completions.create(
        model="sanad", messages=[{"role": "user", "content": QUESTION}], extra_body={"since": "2031-01-01"}
    )
    assert scoped.model_dump()["sanad"]["found"] is False and scoped.model_dump()["citations"] == []
    assert scoped.choices[0].message.content == reference.answer
    with pytest.raises(openai.BadRequestError, match="after"):
        client.chat.completions.create(
            model="sanad",
            messages=[{"role": "user", "content": QUESTION}],
            extra_body={"since": "2012-05-01", "until": "2012-04-01"},
        )


TIMELINE = "ما تسلسل الأحداث في الأزمة السورية؟"


def test_a_timeline_question_gets_the_timeline_as_the_chat_does(seed_assistant, client) -> None:
    """«ما تسلسل الأحداث في …؟» on /v1: the subject's timeline (it was answered as a question, "not in
    the articles"): a chart line per day, one line per article in date order, the items' citations."""
    reference = seed_assistant.timeline("الأزمة السورية")
    dated = [item.published for item in reference.items if item.published]
    assert len(set(dated)) >= 2  # the seeds' front matter dates two of them
    response = client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": TIMELINE}])
    body, content = response.model_dump(), response.choices[0].message.content
    assert content.startswith("التسلسل الزمني: «الأزمة السورية» · ")
    for day in sorted(set(dated)):
        assert f"\n{day} █" in content  # the chart: a bar per day
    assert [c["n"] for c in body["citations"]] == [item.citation.n for item in reference.items]
    assert body["sanad"]["timeline"]["items"] == [item.to_dict() for item in reference.items]
    assert all(_quotes_its_file(seed_assistant, c) for c in body["citations"])
    chunks = list(
        client.chat.completions.create(model="sanad", messages=[{"role": "user", "content": TIMELINE}], stream=True)
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == content
