# ruff: noqa: E501 - pattern and phrase tables read best one entry a line
"""Quoted history and signatures are cut in the five languages' mail clients; the reply stays."""

from __future__ import annotations

import pytest

from dunwell.replies import strip_reply

REPLY = "We will pay on Friday."


@pytest.mark.parametrize(
    "quote",
    [
        "On Mon, 1 Mar 2027 at 09:00, Credit Control <ar@x.example> wrote:\n> Please pay.\n> Reply STOP to opt out.",
        "On Mon, 1 Mar 2027 at 09:00, Credit Control\n<ar@x.example> wrote:\n> Please pay.",
        "Am 01.03.2027 um 09:00 schrieb Forderungen <ar@x.example>:\n> Bitte zahlen Sie.",
        "Le lun. 1 mars 2027 à 09:00, Recouvrement <ar@x.example> a écrit :\n> Merci de régler.",
        "El lun, 1 mar 2027 a las 9:00, Cobros (<ar@x.example>) escribió:\n> Le rogamos que pague.",
        "Op ma 1 mrt 2027 om 09:00 schreef Debiteuren <ar@x.example>:\n> Gelieve te betalen.",
        "-----Original Message-----\nFrom: ar@x.example\nSubject: INV-1\n\nReply STOP to unsubscribe.",
        "-----Ursprüngliche Nachricht-----\nVon: ar@x.example\n\nAbmelden mit STOP.",
        "________________________________\nVon: Dunwell <ar@x.example>\nGesendet: 01.03.2027\nAn: ap@c.example\n"
        "Betreff: INV-1\n\nBitte zahlen.",
        "De : Dunwell <ar@x.example>\nEnvoyé : lundi 1 mars 2027\nÀ : ap@c.example\nObjet : INV-1\n\nMerci.",
        "Van: Dunwell <ar@x.example>\nVerzonden: maandag 1 maart 2027\nAan: ap@c.example\nOnderwerp: INV-1",
    ],
)
def test_quoted_history_is_cut(quote: str) -> None:
    assert strip_reply(f"Hi,\n\n{REPLY}\n\n{quote}") == f"Hi,\n\n{REPLY}"


@pytest.mark.parametrize(
    "signature",
    [
        "Kind regards,\nPeter Hall\nFinance Manager | Hall & Sons Ltd\nT +44 20 7946 0958",
        "-- \nPeter Hall\nHall & Sons",
        "Thanks\nJo",
        "Mit freundlichen Grüßen\nKlaus Weber\nBuchhaltung",
        "Cordialement,\nJulien Martin",
        "Saludos cordiales,\nCarlos López",
        "Met vriendelijke groet,\nJan de Boer",
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "CONFIDENTIALITY NOTICE: This email and any attachments are confidential. Unsubscribe at any time.",
        "Dit e-mailbericht is uitsluitend bestemd voor de geadresseerde.",
    ],
)
def test_signatures_footers_and_disclaimers_are_cut(signature: str) -> None:
    assert strip_reply(f"{REPLY}\n\n{signature}") == REPLY


def test_a_thank_you_followed_by_sentences_is_the_body_not_a_signature() -> None:
    text = "Hello,\nThanks\nWe were waiting for the goods that never arrived and will dispute the invoice in full."
    assert strip_reply(text) == text


def test_a_reply_that_is_only_a_signature_keeps_its_words() -> None:
    assert strip_reply("Thanks\n\nOn Mon, 1 Mar 2027, A <a@x.example> wrote:\n> Pay.") == "Thanks"
