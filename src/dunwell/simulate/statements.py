"""The simulated payments as the bank reports them: camt.053 XML, BAI2 and CSV statements.

One statement per entity (its collection account) per calendar month, in each format, holding
the month's customer payments as credits. Opening balances carry over month to month, so every
statement reconciles: opening + credits = closing, and the files' own control totals hold.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape

from dunwell.simulate.presets import Entity
from dunwell.simulate.records import SimPayment

CAMT_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CSV_COLUMNS = ("booking_date", "value_date", "amount", "currency", "payer_name", "payer_account",
               "reference", "remittance")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Statement:
    entity: Entity
    month: date  # first day
    until: date  # last day covered: the month's end, or the end of the data
    sequence: int
    opening: Decimal
    payments: tuple[SimPayment, ...]

    @property
    def credits(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    @property
    def closing(self) -> Decimal:
        return self.opening + self.credits

    @property
    def last_day(self) -> date:
        return self.until

    @property
    def statement_id(self) -> str:
        return f"{self.entity.code}-{self.month:%Y-%m}"


def monthly_statements(
    entities: Iterable[Entity], payments: Iterable[SimPayment], *, start: date, end: date
) -> list[Statement]:
    """One statement per entity per month from ``start`` to ``end``, empty months included (the
    last one ends on ``end``; payments after it are left out)."""
    by_key: dict[tuple[str, date], list[SimPayment]] = defaultdict(list)
    for payment in payments:
        if payment.value_date > end:
            continue
        by_key[(payment.entity, payment.value_date.replace(day=1))].append(payment)
    statements = []
    for entity in entities:
        balance, month, sequence = Decimal("0.00"), start.replace(day=1), 1
        while month <= end:
            paid = tuple(
                sorted(by_key.get((entity.code, month), ()), key=lambda p: (p.value_date, p.payment_id))
            )
            until = min(next_month(month) - timedelta(days=1), end)
            statement = Statement(entity, month, until, sequence, balance, paid)
            statements.append(statement)
            balance, month, sequence = statement.closing, next_month(month), sequence + 1
    return statements


@dataclass(frozen=True, slots=True)
class TextFile:
    """A file's name and text, and how its text is encoded."""

    name: str
    text: str
    encoding: str = "utf-8"
    errors: str = "strict"


def statement_files(statement: Statement) -> tuple[TextFile, ...]:
    """The statement as ``<id>.camt053.xml``, ``<id>.bai2`` (ASCII: anything else becomes "?") and
    ``<id>.csv``."""
    stem = statement.statement_id
    return (
        TextFile(f"{stem}.camt053.xml", camt053(statement)),
        TextFile(f"{stem}.bai2", bai2(statement), encoding="ascii", errors="replace"),
        TextFile(f"{stem}.csv", statement_csv(statement)),
    )


def camt053(statement: Statement) -> str:
    """An ISO 20022 camt.053.001.02 bank-to-customer statement."""
    s, ccy = statement, statement.entity.currency
    created = f"{s.last_day.isoformat()}T20:00:00"
    entries = "".join(_camt_entry(p) for p in s.payments)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{CAMT_NAMESPACE}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>DUNWELL-SIM-{s.statement_id}</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>
    <Stmt>
      <Id>{s.statement_id}</Id>
      <ElctrncSeqNb>{s.sequence}</ElctrncSeqNb>
      <CreDtTm>{created}</CreDtTm>
      <FrToDt><FrDtTm>{s.month.isoformat()}T00:00:00</FrDtTm><ToDtTm>{s.last_day.isoformat()}T23:59:59</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>{s.entity.account}</Id></Othr></Id><Ccy>{ccy}</Ccy></Acct>
      {_camt_balance("OPBD", s.opening, ccy, s.month - timedelta(days=1))}
      {_camt_balance("CLBD", s.closing, ccy, s.last_day)}
      <TxsSummry>
        <TtlNtries><NbOfNtries>{len(s.payments)}</NbOfNtries><Sum>{s.credits}</Sum><TtlNetNtryAmt>{s.credits}</TtlNetNtryAmt><CdtDbtInd>CRDT</CdtDbtInd></TtlNtries>
        <TtlCdtNtries><NbOfNtries>{len(s.payments)}</NbOfNtries><Sum>{s.credits}</Sum></TtlCdtNtries>
      </TxsSummry>{entries}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def _camt_balance(code: str, amount: Decimal, currency: str, day: date) -> str:
    indicator = "CRDT" if amount >= 0 else "DBIT"
    return (
        f'<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="{currency}">{abs(amount)}</Amt>'
        f"<CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def _camt_entry(p: SimPayment) -> str:
    remittance = f"<RmtInf><Ustrd>{escape(p.remittance_text)}</Ustrd></RmtInf>" if p.remittance_text else ""
    if p.structured_reference:  # ISO 11649: a creditor reference of type SCOR issued under ISO
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
            f"<Ref>{escape(p.structured_reference)}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    return f"""
      <Ntry>
        <NtryRef>{p.payment_id}</NtryRef>
        <Amt Ccy="{p.currency}">{p.amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>{p.value_date.isoformat()}</Dt></BookgDt>
        <ValDt><Dt>{p.value_date.isoformat()}</Dt></ValDt>
        <AcctSvcrRef>{p.payment_id}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><AcctSvcrRef>{p.payment_id}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="{p.currency}">{p.amount}</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>{escape(p.payer_name)}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{escape(p.payer_account)}</Id></Othr></Id></DbtrAcct></RltdPties>
          {remittance}
        </TxDtls></NtryDtls>
      </Ntry>"""


def bai2(statement: Statement) -> str:
    """A BAI2 file: one group, one account; control totals in cents over balances and entries."""
    s = statement
    created = s.last_day.strftime("%y%m%d")
    opening, closing = _cents(s.opening), _cents(s.closing)
    account = [f"03,{s.entity.account},{s.entity.currency},010,{opening},,,015,{closing},,/"]
    for p in s.payments:
        # The text field runs to the end of the record (no slash); an empty one ends with "/".
        text = f"{_bai_name(p)} {p.remittance_text.replace('/', ' ')}".strip()
        account.append(f"16,195,{_cents(p.amount)},Z,{p.payment_id},{p.payment_id},{text or '/'}")
    account_total = opening + closing + sum(_cents(p.amount) for p in s.payments)
    account.append(f"49,{account_total},{len(account) + 1}/")
    group = [f"02,DUNWELL,SIMBANK,1,{created},2000,{s.entity.currency},2/", *account]
    group.append(f"98,{account_total},1,{len(group) + 1}/")
    lines = [f"01,SIMBANK,DUNWELL,{created},2000,{s.sequence},,,2/", *group]
    lines.append(f"99,{account_total},1,{len(lines) + 1}/")
    return "\n".join(lines) + "\n"


def _bai_name(payment: SimPayment) -> str:
    return payment.payer_name.replace(",", " ").replace("/", " ")


def statement_csv(statement: Statement) -> str:
    """A plain bank export: one row per credit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in statement.payments:
        writer.writerow((p.value_date, p.value_date, p.amount, p.currency, p.payer_name, p.payer_account,
                         p.payment_id, p.remittance_text))  # fmt: skip
    return out.getvalue()


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
