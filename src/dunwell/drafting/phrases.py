"""The wording a reminder may not contain, and the greetings and closings names are read from, in
English, German, French, Spanish and Dutch. Each pattern is a regular expression matched without
case on word boundaries; each list says why it exists.

Every language's list is checked whatever the draft's language: a model asked for German may
slip into English, and a threat is a threat in either."""

from __future__ import annotations

import functools
import re

#: Threats of legal action (RULES.md RF-TBD-1: never threaten to sue on a time-barred debt; and a
#: policy step that does not allow it must not hint at courts, lawyers or collection agencies).
#: The templates' own final-demand words ("further steps", "weitere Schritte", "d'autres
#: démarches de recouvrement", "otras acciones de cobro") are deliberately not here.
LEGAL_THREATS = (
    # en
    r"lawyers?|attorneys?|solicitors?|courts?|sue|sued|suing|lawsuits?",
    r"legal (?:action|proceedings|steps|measures)",
    r"litigation|collection agenc(?:y|ies)|debt collection agenc(?:y|ies)|bailiffs?|enforcement agents?",
    r"county court|small claims|judg(?:e)?ments?|credit (?:reference )?agenc(?:y|ies)|ccj",
    # de
    r"(?:rechts)?anw[aä]lt\w*|gericht(?:e|en|s|lich\w*)?|klage|klagen|verklagen|mahnbescheid\w*",
    r"mahnverfahren\w*|inkasso\w*|rechtliche (?:schritte|maßnahmen|massnahmen)|juristische schritte",
    r"gerichtsvollzieher\w*|schufa|zwangsvollstreckung\w*|vollstreckung\w*",
    # fr
    r"avocats?|tribunal|tribunaux|huissiers?|commissaire de justice|poursuites judiciaires",
    r"action en justice|procédure judiciaire|voie judiciaire|contentieux|injonction de payer",
    r"(?:société|agence|cabinet) de recouvrement",
    # es
    r"abogad[oa]s?|tribunal(?:es)?|juzgados?|demanda judicial",
    r"acci(?:ón|ones) (?:legal(?:es)?|judicial(?:es)?)",
    r"procedimiento judicial|vía judicial|monitorio|(?:agencia|empresa) de (?:cobro|recobro)|asnef|embargos?",
    # nl
    r"advocaa?t(?:en)?|rechters?|rechtbank\w*|deurwaarders?|incassobureaus?|gerechtelijke?",
    r"juridische (?:stappen|actie|maatregelen)|dagvaard\w*|bkr-registratie",
)

#: Promotion in a collection message (RULES.md TCPA-3: marketing content needs written consent;
#: keep dunning messages free of it).
MARKETING = (
    r"special offers?|limited[- ]time|exclusive (?:offer|deal)s?|buy now|shop now|order now",
    r"new (?:products|collection|range)",
    r"check out our|don'?t miss|newsletter|promo(?:tion(?:al)?)? codes?|upgrade (?:to|your)|discover our",
    r"best deals?|free gifts?|free trial|for free|our latest|sign up for",
    r"sonderangebot\w*|exklusives? angebot|nur für kurze zeit|jetzt (?:kaufen|bestellen)|neue(?:n)? produkte",
    r"gutschein(?:code)?s?|aktionscode|entdecken sie unser\w*|rabattaktion|gratis",
    r"offres? spéciales?|offres? exclusives?|durée limitée|achetez maintenant|nouveaux produits|code promo",
    r"découvrez nos|promotions?|soldes|cadeaux?|gratuit\w*",
    r"ofertas? especial(?:es)?|ofertas? exclusivas?|tiempo limitado|compre ahora|nuevos productos|boletín",
    r"código promocional|descubra nuestr[oa]s|promoci(?:ón|ones)|rebajas|regalos?",
    r"speciale aanbieding\w*|aanbieding\w*|beperkte tijd|koop nu|nieuwe producten|nieuwsbrief|kortingscode",
    r"ontdek onze",
)

#: An early-payment discount or a waiver: allowed only as the policy offers it.
DISCOUNT = (
    r"discounts?|\d+(?:[.,]\d+)? ?% off|rebates?|reduction|reduced|price cut",
    r"rabatt\w*|skonto|nachlass|preisnachlass|ermäßigung|reduzier\w*",
    r"remises?|escompte|réduction|rabais|ristournes?",
    r"descuentos?|rebajas?|bonificaci(?:ón|ones)|reducci(?:ón|ones)",
    r"kortingen?|korting|reductie|prijsverlaging",
)
WAIVER = (
    r"waive[ds]?|waiving|write off|written off|cancel(?:l?ed)? (?:the|your) (?:debt|invoice|balance)",
    r"(?:no|nothing) (?:need|longer needs?) to (?:be )?pa(?:y|id)|(?:balance|amount) (?:is|of) (?:zero|0)",
    r"(?:you )?owe (?:us )?nothing|erlassen|verzichten auf|storniert|nichts (?:mehr )?zu zahlen",
    r"renon(?:çons|cer) (?:à|aux)|annul(?:é|ée|ons|er) (?:la|votre) (?:facture|dette)|plus rien à payer",
    r"condon(?:ar|amos|ado)|anula(?:r|mos|da) (?:la|su) (?:factura|deuda)|nada que pagar",
    r"kwijtgescholden|kwijtschelden|niets (?:meer )?te betalen|geannuleerd",
)

#: A draft that obeyed an injected instruction, talks about itself, or echoes its prompt.
INSTRUCTION_LEAKS = (
    r"as an ai|as a language model|language model|i am an ai|i'?m an ai|ai assistant",
    r"(?:ignore|disregard|forget) (?:all |any )?(?:the )?(?:previous|prior|above|earlier|your) "
    r"(?:instructions|rules|prompts?)",
    r"system prompt|my instructions|new instructions|i cannot comply|i can'?t help with|i'?m sorry,? but i",
    r"here is (?:the|a|your) (?:draft|email|reminder|message|rewritten)|as (?:you )?(?:instructed|requested)",
    r"per your instructions|you are a helpful|as the customer (?:asked|instructed)",
    r"als ki|ki-modell|sprachmodell",
    r"(?:ignoriere|ignorieren sie) (?:alle )?(?:vorherigen|bisherigen) anweisungen",
    r"hier ist (?:die|der|eine|ein) (?:entwurf|e-mail|mahnung)|wie angewiesen",
    r"en tant qu'ia|modèle de langage|ignore[rz]? (?:toutes )?les instructions",
    r"voici (?:le|la|un|une) (?:brouillon|e-mail|courriel|relance)",
    r"como (?:una )?ia|modelo de lenguaje|ignora(?:r)? (?:todas )?las instrucciones",
    r"aquí (?:está|tiene) (?:el|la|un|una) (?:borrador|correo|recordatorio)",
    r"als ai|taalmodel|negeer (?:alle )?(?:vorige|eerdere) instructies",
    r"hier is (?:de|het|een) (?:concept|e-mail|herinnering)",
    r"^\s*(?:system|assistant|user|human)\s*:",
)

#: Template slots a model left unfilled: "[Your Company Name]", "{{ total }}", "<name>".
PLACEHOLDERS = (r"\[[^\]\n]{2,40}\]|\{\{[^}\n]*\}\}|<[A-Za-z _-]{2,30}>",)

#: Openings and closings a name follows; titles a surname follows.
GREETINGS = (
    r"dear|hello|hi|good (?:morning|afternoon)",
    r"sehr geehrte[rs]?|guten tag|hallo|liebe[rs]?",
    r"bonjour|cher|chère|madame|monsieur",
    r"estimad[oa](?:/a)?|hola|querid[oa]|buenos días",
    r"beste|geachte|hallo|dag",
)
CLOSINGS = (
    r"kind regards|best regards|regards|yours sincerely|sincerely|yours faithfully|best wishes|thank you",
    r"mit freundlichen grüßen|freundliche grüße|viele grüße|beste grüße|mfg",
    r"cordialement|bien cordialement|salutations distinguées|bien à vous",
    r"atentamente|saludos cordiales|un saludo|saludos",
    r"met vriendelijke groet(?:en)?|vriendelijke groet(?:en)?|hoogachtend|groeten",
)
TITLES = r"(?:mr|mrs|ms|miss|dr|herr|frau|m|mme|mlle|sr|sra|srta|dhr|mevr|mevrouw|heer)\.?"
#: A greeting to no one in particular names nobody the facts must hold.
GENERIC_ADDRESSEES = (
    r"sir|madam|damen|herren|madame|monsieur|señor(?:a|es)?|heer|mevrouw|team|customer|client|cliente",
    r"kunde|kundin|klant|colleagues|all|everyone|accounts|buchhaltung|comptabilité|contabilidad|administratie",
)


@functools.lru_cache(maxsize=16)
def compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list, on word boundaries, without case."""
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.IGNORECASE | re.MULTILINE)
