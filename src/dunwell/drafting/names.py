"""Names in a draft, where they can be found without a language model: the name after a greeting
("Dear Jane Doe,"), the lines signed under a closing ("Kind regards,\\nAcme Ltd") and a surname
after a title ("Frau Müller", "M. Dupont"). Each must be a name the facts hold.

Names in running prose ("as Peter from our team said") are not found: that needs a named-entity
model, which this engine does not have. This is the guard's weakest check."""

from __future__ import annotations

import re
from collections.abc import Iterator

from dunwell.drafting.dates import fold
from dunwell.drafting.facts import DraftFacts
from dunwell.drafting.phrases import CLOSINGS, GENERIC_ADDRESSEES, GREETINGS

_GREETING = re.compile(
    rf"^[ \t]*(?:{'|'.join(GREETINGS)})[ \t]+(?P<name>[^,:;!\n]{{1,60}}?)[ \t]*[,:;!]?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_CLOSING = re.compile(rf"^[ \t]*(?:{'|'.join(CLOSINGS)})[ \t]*[,.!]?[ \t]*$", re.IGNORECASE | re.MULTILINE)
_GENERIC = re.compile(rf"(?<!\w)(?:{'|'.join(GENERIC_ADDRESSEES)}|there)(?!\w)", re.IGNORECASE)
# Case matters here: a title is capitalised and so is the name after it.
_TITLED = re.compile(
    r"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Dr|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Dhr|Mevr|Mevrouw|Heer|Monsieur|Madame)\.?"
    r"[ \t]+(?P<name>[A-ZÀ-Þ][\w'’-]+)|(?<![\w.])M\.[ \t]+(?P<m_name>[A-ZÀ-Þ][\w'’-]+)"
)
#: Addresses and links in a signature are checked as contact points, not read as names.
_ADDRESSES = re.compile(r"\S+@\S+|\S*(?:https?://|www\.)\S+")
_TITLE_WORDS = frozenset(
    "mr mrs ms miss dr herr frau m mme mlle sr sra srta dhr mevr mevrouw heer monsieur madame don".split()  # noqa: SIM905
)
#: Words a signature block may hold besides names: a team, a department, a channel.
_SIGNATURE_WORDS = frozenset(
    [
        "accounts",
        "receivable",
        "team",
        "department",
        "credit",
        "control",
        "finance",
        "billing",
        "collections",
        "customer",
        "service",
        "of",
        "the",
        "and",
        "und",
        "et",
        "y",
        "en",
        "van",
        "de",
        "des",
        "del",
        "la",
        "le",
        "el",
        "het",
        "tel",
        "phone",
        "email",
        "e",
        "mail",
        "telefon",
        "telephone",
        "telefono",
        "telefoon",
        "buchhaltung",
        "debitorenbuchhaltung",
        "forderungsmanagement",
        "kundenservice",
        "abteilung",
        "comptabilite",
        "clients",
        "client",
        "service",
        "recouvrement",
        "contabilidad",
        "cobros",
        "departamento",
        "cliente",
        "atencion",
        "al",
        "debiteurenbeheer",
        "administratie",
        "klantenservice",
        "afdeling",
    ]
)


def name_problems(text: str, facts: DraftFacts) -> Iterator[tuple[str, tuple[int, int]]]:
    """(a reason, its span) for each name the facts do not hold."""
    addressees = _tokens(facts.contact_name, facts.customer_name)
    senders = _tokens(facts.sender_name, *facts.sender_people)
    everyone = addressees | senders
    for m in _GREETING.finditer(text):
        name = m.group("name")
        if _GENERIC.search(name):
            continue
        unknown = _tokens(name) - _TITLE_WORDS - addressees
        if unknown:
            who = facts.contact_name or facts.customer_name
            yield (
                f"greets “{name.strip()}”, who is not the contact or customer in the facts ({who})",
                m.span("name"),
            )
    for start, end, line in _signature_lines(text):
        unknown = _tokens(_ADDRESSES.sub(" ", line)) - _SIGNATURE_WORDS - senders
        if unknown:
            yield (
                f"is signed “{line.strip()}”, which is not the sender in the facts ({facts.sender_name})",
                (start, end),
            )
    for m in _TITLED.finditer(text):
        group = "name" if m.group("name") else "m_name"
        if fold(m.group(group)) not in everyone:
            yield f"names “{m.group().strip()}”, who is not a person in the facts", m.span()


def _signature_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """The non-empty lines right under each closing, up to the next empty line (at most three)."""
    for m in _CLOSING.finditer(text):
        position = m.end() + 1
        for _ in range(3):
            if position >= len(text):
                break
            end = text.find("\n", position)
            end = len(text) if end < 0 else end
            line = text[position:end]
            if not line.strip():
                break
            yield position, end, line
            position = end + 1


def _tokens(*names: str) -> frozenset[str]:
    """The words of names, folded: ``Müller GmbH`` → ``{"muller", "gmbh"}``."""
    return frozenset(w for name in names for w in re.findall(r"[^\W\d_]+", fold(name)) if len(w) > 1)
