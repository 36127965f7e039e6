"""The OpenAI-compatible drafting provider against a real server on loopback, and the settings
that switch drafting on: every failure is ``DraftingFailed`` with a reason, never a crash, and the
API key goes in the header but never into a repr or a reason."""

from __future__ import annotations

import socket

import pytest
from pydantic import SecretStr

from dunwell.config import Settings
from dunwell.core.errors import DunwellError
from dunwell.drafting import Prompt
from dunwell.reminders.providers import DraftingFailed, OpenAICompatibleProvider, provider_from_settings
from reminders.chat_server import Reply, chat_server

PROMPT = Prompt(system="You write payment reminders.", user="Customer: Acme\nTotal due: $1.00")
KEY = "sk-secret-123"


def test_the_answer_is_the_assistants_message_and_the_request_is_the_protocols() -> None:
    with chat_server(lambda r: Reply("Subject: Hello\nBody")) as server:
        provider = OpenAICompatibleProvider(server.url + "/", "m-1", KEY)
        assert provider.draft(PROMPT, timeout=5) == "Subject: Hello\nBody"
    (request,) = server.received
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.body["messages"] == [
        {"role": "system", "content": PROMPT.system},
        {"role": "user", "content": PROMPT.user},
    ]
    assert request.body["temperature"] == 0
    assert KEY not in repr(provider)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(status=401, raw=b"bad key"), "the drafting server answered HTTP 401: bad key"),
        (Reply(raw=b"{}"), "the drafting server's answer has no choices[0].message.content"),
        (Reply(raw=b'{"choices": []}'), "the drafting server's answer has no choices[0].message.content"),
        (Reply("   "), "the drafting server's answer is an empty message"),
        (Reply(raw=b"\x00\xff"), "the drafting server's answer is not JSON: b'\\x00\\xff'"),
        (Reply("late", delay=2.0), "the drafting server did not answer within 0.3 s"),
    ],
)
def test_every_failure_is_drafting_failed_with_its_reason(reply: Reply, reason: str) -> None:
    with chat_server(lambda r: reply) as server, pytest.raises(DraftingFailed) as failed:
        OpenAICompatibleProvider(server.url, "m", KEY).draft(PROMPT, timeout=0.3)
    assert failed.value.reason == reason
    assert KEY not in failed.value.reason


def test_a_cut_off_answer_is_refused() -> None:
    cut = b'{"choices": [{"message": {"content": "Subject: x"}, "finish_reason": "length"}]}'
    with chat_server(lambda r: Reply(raw=cut)) as server, pytest.raises(DraftingFailed, match="cut off"):
        OpenAICompatibleProvider(server.url, "m").draft(PROMPT, timeout=5)


def test_a_server_that_is_not_there_is_drafting_failed() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DraftingFailed, match="could not be reached"):
        OpenAICompatibleProvider(f"http://127.0.0.1:{port}/v1", "m").draft(PROMPT, timeout=2)


def test_drafting_is_off_by_default_and_on_with_a_url_and_a_model() -> None:
    assert provider_from_settings(Settings()) is None
    on = Settings(
        drafting_provider="openai",
        drafting_base_url="http://127.0.0.1:9/v1",
        drafting_model="m",
        drafting_api_key=SecretStr(KEY),
    )
    provider = provider_from_settings(on)
    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider.api_key == KEY
    assert provider.model == "m"
    assert KEY not in repr(on)
    assert KEY not in repr(provider)
    with pytest.raises(DunwellError, match="needs drafting_base_url and drafting_model"):
        provider_from_settings(Settings(drafting_provider="openai"))
    with pytest.raises(DunwellError, match="unknown drafting provider"):
        provider_from_settings(Settings(drafting_provider="llama"))
