# ruff: noqa: E501 - a phrase table reads best one rule a line
"""The transparent half of the classifier: for each intent and language, phrases with a weight.

Patterns are matched against the folded text (lower case, accents removed: ``nächste`` is
``nachste``), so one spelling covers the ones people type. A weight near 1 is a phrase that decides
the intent on its own ("out of office", "Zahlungsavis"); lower weights are hints that the trained
model's view may outvote. Stop/unsubscribe wording is kept apart (``STOP_PATTERNS``): any match wins
over everything, because a missed opt-out is a breach and a wrong one only a review."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

Rule = tuple[str, float]

STOP_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (r"\bunsubscrib", r"\bopt(?:-| )?out\b", r"^\W*stop\W*$", r"\bstop (?:e-?mailing|emails|sending|contacting"
           r"|writing|all|these|the (?:e-?mails|reminders|messages))", r"\bremove (?:me|us|my \w+|our \w+)"
           r" from (?:your|the)", r"\btake (?:me|us) off\b", r"\bdo not (?:contact|e-?mail|write to) (?:me|us)",
           r"\bdon'?t (?:contact|e-?mail|write to) (?:me|us)", r"\bno (?:more|further) (?:e-?mails|messages|reminders"
           r"|contact)", r"\bcease (?:all )?(?:communication|contact)", r"\bnever (?:e-?mail|contact) (?:me|us) again"),
    "de": (r"\babmelden\b", r"\bmelde (?:ich )?(?:mich|uns) (?:\w+ )?ab\b", r"\b(?:mich|uns) abzumelden\b", r"\babbestell", r"\bmelde?n? (?:sie )?(?:mich|uns) (?:\w+ )?ab\b", r"\baustragen\b",
           r"\btragen sie (?:mich|uns) (?:\w+ )?aus\b", r"\bkeine (?:weiteren |e-?mails mehr|mails mehr|nachrichten mehr"
           r"|mahnungen (?:mehr|per))", r"\bnicht mehr (?:kontaktieren|anschreiben|anmailen|zu kontaktieren)"
           r"|\b(?:kontaktieren|schreiben) sie (?:mich|uns) nicht mehr", r"\bwiderspreche\b",
           r"\b(?:e-?mails|nachrichten|zusendungen) (?:\w+ )?einstellen\b", r"\bhoren sie auf,? (?:mir|uns)"),
    "fr": (r"\bdesabonn", r"\bdesinscri", r"\bne (?:plus|pas) (?:me|nous) (?:contacter|ecrire|envoyer|relancer)",
           r"\bne (?:me|nous) (?:contactez|ecrivez|envoyez|relancez)\b", r"\bretirez[- ](?:moi|nous)",
           r"\bcessez (?:de|vos|tout)", r"\barretez (?:de|vos|d'envoyer)", r"\bsupprimez (?:mon|notre) (?:adresse|e-?mail)",
           r"\bplus (?:aucun|de) (?:e-?mails?|courriels?|messages?|relances?)\b"),
    "es": (r"\bdar(?:me|nos|se)? de baja\b", r"\bde baja\b", r"\bno (?:me|nos) (?:envien|contacten|escriban|manden)"
           r" (?:mas|ningun)", r"\bdejen? de (?:enviar|escribir|contactar|mandar)", r"\beliminen? (?:mi|nuestra)"
           r" (?:direccion|correo)", r"\bno (?:quiero|queremos) recibir (?:mas|ningun)", r"\bcancelar (?:la )?suscripcion"),
    "nl": (r"\bafmeld", r"\bmeld (?:mij|me|ons) af\b", r"\buitschrijv", r"\bschrijf (?:mij|me|ons) uit\b",
           r"\bgeen (?:e-?mails?|mails?|berichten|herinneringen) meer\b", r"\bstop met (?:mailen|sturen|e-?mailen)",
           r"\bniet meer (?:contacteren|mailen|e-?mailen|benaderen)", r"\bverwijder (?:mij|me|ons|mijn \w+) (?:uit|van)"),
}  # fmt: skip

RULES: dict[str, dict[str, tuple[Rule, ...]]] = {
    "out_of_office": {
        "en": ((r"\bout of (?:the )?office\b", 1.0), (r"\bautomatic reply\b|\bauto(?:matic)?[- ]?reply\b", 1.0),
               (r"\b(?:on|currently on) (?:annual |parental |sick )?leave\b", 0.8), (r"\bon (?:holiday|vacation)\b", 0.8),
               (r"\bback (?:in the office )?on\b|\breturn(?:ing)? (?:to the office )?on\b", 0.6),
               (r"\blimited access to (?:my )?e-?mail\b", 0.8), (r"\baway from (?:the|my) (?:office|desk)\b", 0.8)),
        "de": ((r"\babwesenheitsnotiz\b|\bautomatische antwort\b", 1.0), (r"\bnicht im (?:buro|hause)\b", 1.0),
               (r"\b(?:im|in) urlaub\b|\babwesend\b", 0.9), (r"\bab dem .{0,20}wieder\b|\bwieder (?:im buro|erreichbar)\b", 0.7),
               (r"\bkeinen zugriff auf (?:meine )?e-?mails\b", 0.8)),
        "fr": ((r"\babsente?\b", 0.9), (r"\breponse automatique\b|\bmessage d'absence\b", 1.0), (r"\ben conges?\b", 0.9),
               (r"\bde retour (?:au bureau )?le\b", 0.7), (r"\bhors du bureau\b", 1.0)),
        "es": ((r"\bfuera de (?:la )?oficina\b", 1.0), (r"\brespuesta automatica\b", 1.0), (r"\bde vacaciones\b", 0.9),
               (r"\bausente\b", 0.8), (r"\b(?:regresare|volvere|estare de vuelta|me reincorporo)\b", 0.7)),
        "nl": ((r"\bafwezig\b", 0.9), (r"\bautomatisch antwoord\b", 1.0), (r"\bniet op kantoor\b|\buit kantoor\b", 1.0),
               (r"\bmet vakantie\b|\bop vakantie\b|\bverlof\b", 0.9), (r"\bweer (?:aanwezig|terug|op kantoor)\b", 0.7)),
    },
    "already_paid": {
        "en": ((r"\balready (?:\w+ )?(?:paid|wired|transferred|settled|remitted|sent)\b", 1.0), (r"\b(?:already|has been|have been|was|were) (?:been )?(?:paid|settled|transferred)\b", 1.0),
               (r"\bwe (?:paid|settled|transferred|wired|remitted)\b", 0.9), (r"\bpayment (?:was|went) (?:made|out|sent)\b", 0.9),
               (r"\bremittance advice\b|\bproof of payment\b", 0.7), (r"\b(?:check|cheque) (?:was )?(?:mailed|sent)\b", 0.8)),
        "de": ((r"\bzahlung .{0,40}erfolgt\b", 0.9), (r"\bbereits (?:bezahlt|beglichen|uberwiesen|gezahlt)\b", 1.0), (r"\b(?:haben|wurde|ist) .{0,40}(?:bezahlt|beglichen|uberwiesen)\b", 0.8),
               (r"\bzahlungsavis\b|\bzahlungsnachweis\b", 0.7), (r"\bzahlung (?:ist )?(?:erfolgt|raus|eingegangen)\b", 0.9)),
        "fr": ((r"\bdeja (?:ete )?(?:effectue|paye|regle|vire)", 1.0), (r"\bdeja (?:ete )?(?:paye|regle|vire)e?s?\b", 1.0), (r"\b(?:avons|a ete|ont ete) (?:\w+ )?(?:paye|regle|vire)e?s?\b", 0.8),
               (r"\bvirement (?:a ete|est parti|effectue)\b", 0.9), (r"\bpreuve de paiement\b|\bavis de virement\b", 0.7)),
        "es": ((r"\bya hemos (?:pagado|transferido|abonado|liquidado)\b", 1.0), (r"\b(?:ya )?(?:esta|estan|fue|fueron|ha sido|han sido) (?:pagad|abonad|liquidad)[ao]s?\b", 1.0), (r"\bya (?:la |lo |las )?(?:hemos )?(?:pagad|abonad|pagamos|abonamos)", 1.0),
               (r"\b(?:hemos|realizamos|hicimos) (?:realizado )?(?:el |la )?(?:pago|transferencia)\b", 0.8), (r"\bcomprobante de (?:pago|transferencia)\b", 0.7)),
        "nl": ((r"\b(?:al|reeds) (?:\w+ )?(?:betaald|voldaan|overgemaakt)\b", 1.0), (r"\b(?:is|zijn|hebben) .{0,30}(?:betaald|voldaan|overgemaakt)\b", 0.8),
               (r"\bbetalingsbewijs\b", 0.7)),
    },
    "promise_to_pay": {
        "en": ((r"\b(?:will|shall|'ll) (?:\w+ ){0,3}(?:pay|settle|clear|transfer|remit|wire)\b", 1.0), (r"\b(?:transfer|payment|remittance|funds)\b.{0,40}\bwill (?:go out|be (?:sent|made|released|paid))", 1.0), (r"\b(?:intend|plan|aim|expect) to (?:pay|settle|clear|transfer)\b", 1.0), (r"\bscheduled for\b|\bhas been scheduled\b", 0.9), (r"\b(?:we|i)(?:'ll| will| shall| are going to| plan to| intend to) (?:\w+ )?(?:pay|settle|transfer|remit|process|send (?:the )?payment)", 1.0),
               (r"\bpayment will (?:be )?(?:made|sent|go out|follow|released)\b", 1.0), (r"\bscheduled (?:for )?(?:payment|the payment)\b|\bpayment (?:is )?scheduled\b", 0.9),
               (r"\byou (?:will|should) (?:receive|have|see) (?:the )?(?:payment|funds|money)\b", 0.9), (r"\bpayment run\b", 0.6)),
        "de": ((r"\b(?:werden|wird|werde) .{0,60}(?:bezahlen|begleichen|uberweisen|zahlen|anweisen)\b", 1.0), (r"\bzahlung erfolgt\b|\bzahlung folgt\b", 1.0),
               (r"\bzahlungslauf\b", 0.6), (r"\bzur zahlung (?:frei|angewiesen|vorgemerkt)\b", 0.9)),
        "fr": ((r"\b(?:va|vont|allons|vais) (?:\w+ )?(?:regler|payer|virer|effectuer)\b", 1.0), (r"\b(?:partira|reglera|paiera|payera|virera)\b", 1.0), (r"\b(?:nous allons|je vais|nous (?:pourrons|pouvons)) (?:\w+ )?(?:payer|regler|virer|effectuer)", 1.0), (r"\b(?:reglerons|paierons|payerons|virerons|effectuerons)\b", 1.0),
               (r"\bpaiement (?:sera|partira|interviendra)\b|\bvirement (?:sera|partira)\b", 1.0)),
        "es": ((r"\b(?:pagara|abonara|transferira|liquidara|realizara)\b", 1.0), (r"\b(?:pagaremos|abonaremos|transferiremos|liquidaremos|realizaremos|haremos)\b", 1.0), (r"\b(?:vamos a|voy a) (?:\w+ )?(?:pagar|abonar|transferir|liquidar)", 1.0),
               (r"\bel pago se (?:realizara|hara|efectuara)\b|\bse (?:pagara|abonara)\b", 1.0)),
        "nl": ((r"\b(?:zal|zullen|gaat|gaan) .{0,40}(?:betalen|voldoen|overmaken|overboeken)\b", 1.0), (r"\b(?:we|wij|ik) (?:zullen|zal|gaan|ga) .{0,40}(?:betalen|voldoen|overmaken|overboeken)\b", 1.0), (r"\bbetaling (?:volgt|wordt|zal)\b", 1.0),
               (r"\b(?:betalen|voldoen|maken) (?:we|wij|ik) .{0,30}(?:over)?\b", 0.6)),
    },
    "dispute": {
        "en": ((r"\b(?:crushed|unusable|smashed|spoiled)\b", 0.8), (r"\b(?:is|are) off\b|\bbut we (?:only )?(?:ordered|got|received)\b", 0.7), (r"\bduplicate of\b|\b(?:billed|charged) us twice\b", 1.0), (r"\bdisput", 1.0), (r"\b(?:is|are|seems?) (?:wrong|incorrect|not correct)\b", 0.8), (r"\bovercharg", 0.9),
               (r"\b(?:never|not|haven'?t|did not|didn'?t) (?:\w+ )?(?:received|arrived|delivered)\b", 0.7), (r"\bdamaged\b|\bdefective\b|\bbroken\b|\bfaulty\b", 0.8),
               (r"\bcharged (?:us )?twice\b|\bduplicate\b|\bbilled twice\b", 0.9), (r"\bwill not pay\b|\bwon'?t pay\b|\brefuse to pay\b|\bnot (?:going to|willing to) pay\b", 0.8),
               (r"\bcredit note\b|\bcredit memo\b", 0.5), (r"\bpurchase order\b|\bpo number\b", 0.5)),
        "de": ((r"\bnie (?:\w+ )?(?:angekommen|erhalten|geliefert)\b", 0.8), (r"\breklam", 1.0), (r"\bwidersprech|\beinspruch\b|\bbeanstand", 0.9), (r"\b(?:falsch|fehlerhaft|nicht korrekt|stimmt nicht)\b", 0.8),
               (r"\bnicht (?:\w+ )?(?:erhalten|geliefert|angekommen)\b", 0.7), (r"\bbeschadigt\b|\bdefekt\b|\bmangelhaft\b|\bkaputt\b", 0.8),
               (r"\bdoppelt\b|\bzweimal\b", 0.9), (r"\bgutschrift\b", 0.5), (r"\bbestellnummer\b", 0.5)),
        "fr": ((r"\bcontest", 1.0), (r"\blitige\b|\breclamation\b", 1.0), (r"\b(?:erron|incorrect|faux|fausse|inexact)", 0.8),
               (r"\b(?:pas|jamais) (?:\w+ )?(?:recu|livre|arrive)e?s?\b", 0.7), (r"\bendommag|\bdefectu|\babime|\bcasse", 0.8),
               (r"\ben double\b|\bdeux fois\b", 0.9), (r"\bavoir\b", 0.5), (r"\bbon de commande\b", 0.5)),
        "es": ((r"\bnunca (?:llego|recibimos|se entrego)", 0.8), (r"\bdisconform|\breclamacion\b|\breclamamos\b", 1.0), (r"\b(?:incorrect|erron|equivocad)", 0.8),
               (r"\bno (?:hemos |he )?(?:recibido|llegado|llego|entregad)", 0.7), (r"\bdanad|\bdefectuos|\broto|\brota\b", 0.8),
               (r"\bduplicad|\bdos veces\b", 0.9), (r"\bnota de credito\b|\babono\b", 0.5), (r"\borden de compra\b", 0.5)),
        "nl": ((r"\bbetwist|\bniet akkoord\b|\boneens\b", 1.0), (r"\b(?:onjuist|incorrect|klopt niet|fout)\b", 0.8),
               (r"\bniet (?:\w+ )?(?:ontvangen|geleverd|aangekomen)\b", 0.7), (r"\bbeschadigd|\bkapot\b|\bdefect\b", 0.8),
               (r"\bdubbel\b|\btwee keer\b|\btweemaal\b", 0.9), (r"\bcreditnota\b", 0.5), (r"\binkoopordernummer\b|\bpo-nummer\b", 0.5)),
    },
    "invoice_copy_request": {
        "en": ((r"\b(?:a|the) (?:pdf )?copy\b", 0.9), (r"\b(?:send|resend|forward|share|provide|email)(?: us| me)? (?:a |the |another )?(?:copy|copies|pdf|duplicate)\b", 1.0),
               (r"\b(?:copy|copies|pdf) of (?:the |this |that )?(?:invoice|bill)", 1.0), (r"\bcan(?:not|'t) find (?:the|this|that) invoice\b", 0.8)),
        "de": ((r"\b(?:kopie|duplikat|pdf) der rechnung\b|\brechnungskopie\b", 1.0), (r"\b(?:nochmals|erneut|nochmal) (?:zusenden|senden|schicken)\b", 0.9),
               (r"\brechnung .{0,30}(?:zusenden|zukommen lassen|schicken)\b", 0.7)),
        "fr": ((r"\b(?:copie|duplicata|double) de (?:la |cette )?facture\b", 1.0), (r"\b(?:renvoyer|transmettre|envoyer) (?:a nouveau |de nouveau )?(?:la|cette) facture\b", 0.9)),
        "es": ((r"\bvuelv\w* a (?:enviar|mandar)\b", 0.9), (r"\bcopia de (?:la )?factura\b", 1.0), (r"\b(?:reenviar|reenvien|enviar de nuevo|mandar de nuevo|volver a enviar)\b.{0,20}factura", 0.9),
               (r"\bduplicado de (?:la )?factura\b", 1.0)),
        "nl": ((r"\b(?:opnieuw|nogmaals) (?:\w+ )?(?:sturen|toesturen|versturen)\b", 0.9), (r"\bkopie (?:van )?(?:de )?factuur\b|\bfactuurkopie\b", 1.0), (r"\bfactuur .{0,30}(?:opnieuw|nogmaals) (?:sturen|toesturen|versturen)\b", 1.0),
               (r"\b(?:opnieuw|nogmaals) (?:toe)?(?:sturen|versturen)\b", 0.7)),
    },
    "wrong_contact": {
        "en": ((r"\bno longer (?:work|with|employed|at|responsible)\b", 1.0), (r"\bnot the (?:right|correct|appropriate) (?:person|contact)\b", 1.0),
               (r"\bleft the company\b|\bhas left\b", 0.9), (r"\bwrong (?:person|contact|address|recipient)\b", 1.0),
               (r"\b(?:please )?(?:contact|write to|direct \w+ to|reach out to)\b.{0,60}@", 0.4), (r"\bis now handled by\b|\bresponsible for (?:invoices|payments|accounts payable) is\b", 0.8)),
        "de": ((r"\bnicht (?:mehr )?(?:zustandig|verantwortlich)\b", 1.0), (r"\bnicht mehr (?:bei|im unternehmen|in der firma|tatig)\b", 1.0),
               (r"\bfalsche[nr]? (?:ansprechpartner|empfanger|adresse|kontakt)\b", 1.0), (r"\bhat das unternehmen verlassen\b", 1.0), (r"\bwenden sie sich\b", 0.5)),
        "fr": ((r"\bne (?:suis|fait) plus (?:partie|chez|en charge|responsable)\b|\bne travaille plus\b", 1.0), (r"\bpas (?:la bonne personne|le bon (?:contact|interlocuteur|destinataire))\b", 1.0),
               (r"\bquitte (?:la societe|l'entreprise)\b", 1.0), (r"\bveuillez (?:contacter|vous adresser|ecrire)\b", 0.5)),
        "es": ((r"\bya no (?:trabaj|estoy|soy|es|forma parte|me encargo)", 1.0), (r"\bno (?:soy|es) la persona (?:adecuada|correcta|indicada)\b", 1.0),
               (r"\b(?:contacto|destinatario|persona) (?:equivocad|incorrect)", 1.0), (r"\bdejo la empresa\b", 1.0), (r"\bdirijase a\b|\bcontacte con\b", 0.5)),
        "nl": ((r"\bniet meer (?:werkzaam|in dienst|verantwoordelijk|bij)\b", 1.0), (r"\bniet de (?:juiste|goede) (?:persoon|contactpersoon|ontvanger)\b", 1.0),
               (r"\bverkeerde (?:persoon|contactpersoon|ontvanger|adres)\b", 1.0), (r"\buit dienst\b", 1.0), (r"\bneem contact op met\b", 0.5)),
    },
    "other": {
        "en": ((r"\b(?:noted|got it|forwarding|will pass (?:this|it) on|thanks for the (?:reminder|heads-up))\b", 0.5),),
        "de": ((r"\bweitergeleitet\b|\bleite (?:es|das) weiter\b|\bzur kenntnis\b|\bdanke fur den hinweis\b", 0.5),),
        "fr": ((r"\bje transfere\b|\bbien note\b|\bbien recu\b|\bc'est note\b", 0.5),),
        "es": ((r"\blo paso\b|\blo reenvio\b|\btomamos nota\b|\brecibido\b", 0.5),),
        "nl": ((r"\bstuur (?:dit|het) door\b|\bgenoteerd\b|\bdank voor de melding\b", 0.5),),
    },
    "question": {
        "en": ((r"\?", 0.4), (r"\b(?:could|can) you (?:tell|explain|confirm|clarify|let)\b", 0.6), (r"\b(?:what|which|why|how|when) (?:is|are|do|does|should|was)\b", 0.4),
               (r"\bbank details\b|\biban\b", 0.5)),
        "de": ((r"\?", 0.4), (r"\bkonnen sie (?:mir|uns) (?:sagen|erklaren|mitteilen|bestatigen)\b", 0.6), (r"\b(?:warum|wieso|welche|wie)\b", 0.3), (r"\bbankverbindung\b", 0.5)),
        "fr": ((r"\?", 0.4), (r"\bpourriez-vous (?:me|nous) (?:dire|expliquer|confirmer|indiquer)\b", 0.6), (r"\b(?:pourquoi|quel|quelle|comment)\b", 0.3), (r"\bcoordonnees bancaires\b|\brib\b", 0.5)),
        "es": ((r"\?", 0.4), (r"\bpodrian (?:indicarnos|explicarnos|confirmarnos|decirnos)\b", 0.6), (r"\b(?:por que|cual|como)\b", 0.3), (r"\bdatos bancarios\b", 0.5)),
        "nl": ((r"\?", 0.4), (r"\bkunt u (?:mij|ons) (?:vertellen|uitleggen|bevestigen|laten weten)\b", 0.6), (r"\b(?:waarom|welke|hoe)\b", 0.3), (r"\bbankgegevens\b", 0.5)),
    },
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RuleHit:
    intent: str
    language: str
    weight: float
    span: tuple[int, int]


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[str, str, float, re.Pattern[str]], ...]:
    compiled = [
        (intent, language, weight, re.compile(pattern, re.MULTILINE))
        for intent, by_language in RULES.items()
        for language, rules in by_language.items()
        for pattern, weight in rules
    ]
    compiled += [
        ("unsubscribe", language, 1.0, re.compile(pattern, re.MULTILINE))
        for language, patterns in STOP_PATTERNS.items()
        for pattern in patterns
    ]
    return tuple(compiled)


def rule_hits(folded: str) -> list[RuleHit]:
    """Every rule that matches ``folded`` (lower case, accents removed), with where it matched."""
    return [
        RuleHit(intent, language, weight, m.span())
        for intent, language, weight, pattern in _compiled()
        for m in pattern.finditer(folded)
    ]
