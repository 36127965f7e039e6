"""Reading customers' replies (issue 20, inbound): parse an ``.eml``'s bytes (``message``), strip
quoted history and signatures (``strip``), and classify what is left into an intent with the words
that decided it and the fields it states (``classify``). A pure engine: bytes and text in, frozen
records out; no files, database or settings. The trained half of the classifier is built from
examples the caller hands in (``text_model.train_text_model``)."""

from dunwell.replies.classify import INTENTS, Intent, ReplyReading, classify_message, classify_text
from dunwell.replies.message import ParsedMessage, parse_message
from dunwell.replies.strip import strip_reply
from dunwell.replies.text_model import TextModel, TrainingExample, parse_training_jsonl, train_text_model

__all__ = [
    "INTENTS",
    "Intent",
    "ParsedMessage",
    "ReplyReading",
    "TextModel",
    "TrainingExample",
    "classify_message",
    "classify_text",
    "parse_message",
    "parse_training_jsonl",
    "strip_reply",
    "train_text_model",
]
