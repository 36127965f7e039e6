# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""What the customer wrote this time: the reply without the quoted history under it and without
the signature, mobile footer or legal disclaimer after it.

Quoted history starts at the first of: a ``>`` line, an attribution line in one of the five
languages ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:", "Op … schreef …:",
possibly wrapped over two lines), an Outlook separator ("-----Original Message-----" and its
translations, a line of underscores) or an Outlook header block ("From:/Von:/De:/Van:" followed
within three lines by a "Sent:/Subject:" line in any of the languages). Everything after it goes.

A signature starts at "-- ", at a mobile footer, at a disclaimer, or at a closing ("Best regards",
"Mit freundlichen Grüßen", "Cordialement", "Saludos", "Met vriendelijke groet"...) on a short line
of its own followed by no more than a name block. When stripping would leave nothing, the text
before the quote is kept (a reply that is all signature is still the customer's)."""

from __future__ import annotations

import re

_ATTRIBUTION = re.compile(
    r"^\s*(?:on\s.{4,200}\swrote|am\s.{4,200}\sschrieb.{0,120}|le\s.{4,200}\sa\s[ée]crit"
    r"|el\s.{4,200}\sescribi[óo]|op\s.{4,200}\sschreef.{0,120}"
    r"|.{0,120}<[^>]+@[^>]+>\s(?:wrote|schrieb|a écrit|escribió|schreef))\s*:\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|message d'origine"
    r"|mensaje original|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht)\s*-{2,}"
    r"|_{10,}|begin forwarded message:)\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\**(?:from|von|de|van|da)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\s*\**(?:sent|date|to|subject|gesendet|datum|an|betreff|envoy[ée]|[àa]|objet|enviado(?: el)?"
    r"|fecha|para|asunto|verzonden|aan|onderwerp|verstuurd)\s*:",
    re.IGNORECASE,
)
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:sent from my|sent from (?:outlook|mail|yahoo)|get outlook for|von meinem .{0,30}gesendet"
    r"|gesendet von|envoy[ée] de (?:mon|ma)|envoy[ée] depuis|enviado desde(?: mi)?|verzonden (?:vanaf|met|via)"
    r"|verstuurd (?:vanaf|met))",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^\s*(?:confidentiality notice|disclaimer\b|this (?:e-?mail|message)(?: and any attachments?)?"
    r" (?:is|are|may be|contains?) (?:confidential|intended|privileged)|diese e-?mail (?:enthält|ist) vertraulich"
    r"|diese nachricht (?:enthält|ist) vertraulich|ce (?:message|courriel|mail) (?:et .{0,30})?(?:est|sont|peut)"
    r" (?:confidentiel|strictement|destin)|este (?:mensaje|correo)(?: electrónico)?(?: y .{0,30})? (?:es|contiene|puede)"
    r" (?:confidencial|información)|dit (?:e-?mail(?:bericht)?|bericht) is (?:vertrouwelijk|uitsluitend|alleen))",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\s*(?:(?:best|kind|warm|many|with best|with kind)?\s*(?:regards|wishes)|best|cheers|thanks|thank you"
    r"|many thanks|sincerely|yours(?: sincerely| truly| faithfully)?|all the best|talk soon"
    r"|mit freundlichen gr(?:ü|ue)(?:ß|ss)en|freundliche gr(?:ü|ue)(?:ß|ss)e|(?:viele|beste|liebe|herzliche|sonnige)"
    r" gr(?:ü|ue)(?:ß|ss)e|gr(?:ü|ue)(?:ß|ss)e|mfg|lg|vg|danke(?: und gr(?:ü|ue)(?:ß|ss)e)?|besten dank"
    r"|cordialement|bien cordialement|bien à vous|salutations(?: distinguées)?|bonne (?:journée|soirée)|merci"
    r"|(?:un )?(?:cordial )?saludos?(?: cordiales)?|atentamente|un abrazo|gracias|muchas gracias"
    r"|met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|(?:hartelijke )?groet(?:en|jes)?|mvg|bedankt"
    r"|alvast bedankt)[\s,.!]*(?:\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})?\s*$",
    re.IGNORECASE,
)
#: A closing is a signature only when at most this many non-empty lines follow it (a name block).
_NAME_BLOCK_LINES = 8
_NAME_LINE_CHARS = 70


def strip_reply(text: str) -> str:
    """``text`` without quoted history, signature, footers and disclaimers; whitespace trimmed."""
    lines = text.replace("\r\n", "\n").split("\n")
    cut = _quote_start(lines)
    fresh = lines[:cut]
    fresh = fresh[: _signature_start(fresh)]
    result = "\n".join(fresh).strip()
    if result:
        return result
    # Nothing above the quote but a signature: keep the part above the quote as it is.
    return "\n".join(lines[:cut]).strip()


def _quote_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(">") or _SEPARATOR.match(line):
            return index
        if _ATTRIBUTION.match(line):
            return index
        # "On Tue, 3 Mar 2027 at 10:12, Jane Doe <jane@x.com>" / "wrote:" wrapped by the client.
        if index + 1 < len(lines) and _ATTRIBUTION.match(f"{line} {lines[index + 1].strip()}"):
            return index
        if _HEADER_FROM.match(line) and any(_HEADER_NEXT.match(n) for n in lines[index + 1 : index + 4]):
            return index
    return len(lines)


def _signature_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.rstrip() in {"--", "-- ", "—", "__"} or _MOBILE_FOOTER.match(line) or _DISCLAIMER.match(line):
            return min(index, _closing_start(lines[:index]))
    return _closing_start(lines)


def _closing_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if index == 0 or len(line.strip()) > 60 or not _CLOSING.match(line):
            continue
        after = [rest for rest in lines[index + 1 :] if rest.strip()]
        # A name block is short lines (name, role, company, phone); a sentence after "Thanks" is the body.
        if len(after) <= _NAME_BLOCK_LINES and all(len(rest.strip()) <= _NAME_LINE_CHARS for rest in after):
            return index
    return len(lines)
