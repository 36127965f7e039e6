"""A mutation fuzzer for the bank statement readers: broken copies of good files, through
``read_statement``, sorted into parsed, refused with our error, and crashes.

A mutation is a plain value, ``(op, at, size, token)``, applied by ``apply``: the random fuzzer
(``fuzz``, used by ``bench/fuzz_bank_readers.py``) and the hypothesis test
(``test_reader_fuzz.py``) draw the same mutations, so a crash found by either is replayed by
``apply`` alone. ``at`` and ``size`` are taken modulo the file's length, so any integers do.

- ``flip``: XOR ``size`` bytes from ``at`` with the token's first byte (or 0xFF);
- ``truncate``: cut the file at ``at``; ``cut``: drop ``size`` bytes from ``at``;
- ``repeat``: repeat the ``size`` bytes at ``at`` (token's length + 1 times, at most 64);
- ``insert`` / ``overwrite``: put the token at ``at``; ``line``: insert it at the start of a line;
- ``drop_line`` / ``dup_line`` / ``empty_line``: remove, double or blank the line holding ``at``;
- ``text``: replace the text of the first markup element from ``at`` (``>...<``) with the token,
  which leaves XML well-formed more often than not, so that the code behind the parser is reached;
- ``member``: in a ZIP (camt zips, XLSX workbooks), apply ``insert``, ``text``, ``overwrite`` or
  ``cut`` to one member and zip the archive again: broken content in a sound container.
"""

from __future__ import annotations

import io
import random
import signal
import tempfile
import threading
import time
import traceback
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dunwell.core.errors import DunwellError
from dunwell.ingest.bank import read_statement
from dunwell.ingest.bank.formats import READERS

Mutation = tuple[str, int, int, bytes]

OPS = (
    "flip", "truncate", "cut", "repeat", "insert", "overwrite", "line",
    "drop_line", "dup_line", "empty_line", "text", "member",
)  # fmt: skip

#: Tokens every format gets: separators, odd numbers, bytes that are not UTF-8, blank lines.
GENERIC: tuple[bytes, ...] = (
    b"", b"\n", b"\r\n", b"\n\n\n", b"\r", b"\x00", b"\x01", b"\x1a", b"\xff\xfe", b"\xfe\xff",
    b"\xef\xbb\xbf", b"\xc3", b"\xe9", b"\x80\x81\xfe", b"\xed\xa0\x80", b"\xc2\xa0", b"\xe2\x80\xaf",
    b"9" * 40, b"9" * 400, b"1" * 5000, b"0" * 25, b"-", b"+", b",", b".", b"/", b"//", b"'", b'"',
    b"\t", b";", b"|", b":", b"?", b"\\", b"{", b"}", b"<", b">", b"&", b"#", b"*", b"~", b"^", b"=",
    b"NaN", b"-Infinity", b"1E+999999", b"1e-999999", b"-0", b"0", b",5", b"5,", b"1,2,3", b"1.2.3",
    "٣٤٥".encode(), "１２".encode(), "€".encode(), b"EUR", b"USD", b"XXX", b"ZZZ", b"eur",
)  # fmt: skip

TOKENS: dict[str, tuple[bytes, ...]] = {
    "mt940": (
        b":61:", b":61:\n", b":86:", b":86:\n", b":20:", b":21:", b":25:", b":28C:", b":28:", b":60F:",
        b":60M:", b":62F:", b":62M:", b":64:", b":65:", b":34F:", b":13D:", b":90D:", b":90C:", b":NS:",
        b"{1:F01X}", b"{2:O940}", b"{2:I942}", b"{4:", b"-}", b"}", b"\n-\n", b"\n:\n", b"C", b"D", b"RC",
        b"RD", b"N", b"NTRF", b"NMSC", b"NONREF", b"//", b"0230", b"1331", b"9999", b"991399", b"240229",
        b"000000", b"C240101EUR", b"D991231", b"1EUR", b"EUR1,", b"?20", b"?31", b"?32", b"?", b"166?00",
        b"EREF+", b"SVWZ+", b"ABWA+", b"/EREF/", b"/CNTP/", b"/REMI/", b"/NAME/", b"/REMI/STRD/CUR/",
        b"/CNTP///", b"NL91ABNA0417164300", b"RF18539007547034", b"BETALINGSKENM. ", b"    ",
    ),
    "bai2": (
        b"01,", b"02,", b"03,", b"16,", b"16,\n", b"49,", b"88,", b"98,", b"99,", b"/", b",/", b"/\n", b",,",
        b"V,", b"S,", b"D,", b"Z,", b"0,", b"1,", b"2,", b"D,99999999,", b"010", b"015", b"100", b"400",
        b"890", b"999", b"-1", b"+", b"JPY", b"BHD", b"991399", b"2400", b"3", b"4", b"RMR*IV*", b"ADX*",
        b"N1*PR*", b"REF*", b"NTE*", b"~", b"ORIG CO NAME:", b"IND NAME:", b"DES:", b"B/O:", b"ORG=",
        b"/ACCT 1/NAME 2/", b"REMITTER ", b"CHECK NO ", b"MICR ", b"INV 123 1,000.00", b"BILL.COM 0",
        b"WIRE TRANSFER CREDIT ", b"ID:", b"FROM:", b"DABA:", b"STRIPE",
    ),
    "camt": (
        b"<Ntry>", b"</Ntry>", b'<Amt Ccy="EUR">', b"<Amt>", b"</Amt>", b'<Amt Ccy="">',
        b"<CdtDbtInd>CRDT</CdtDbtInd>", b"<CdtDbtInd>X</CdtDbtInd>", b"<NtryDtls>", b"<TxDtls>",
        b"</TxDtls>", b"<Stmt>", b"</Stmt>", b"<Rpt>", b"<Ntfctn>", b"<Bal>", b"<Sts>", b"<Cd>",
        b"PDNG", b"BOOK", b"OPBD", b"CLBD", b"<Dt>", b"<DtTm>", b"</Dt>", b"2024-02-30", b"9999-99-99",
        b"T25:61", b"<![CDATA[", b"]]>", b"<!--", b"-->", b"<?x?>", b"&amp;", b"&a;", b"&#0;",
        b"&#x110000;", b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]>', b'<!DOCTYPE d SYSTEM "file:///etc/passwd">',
        b'<?xml version="1.0" encoding="UTF-16"?>', b'<?xml version="1.0" encoding="bogus"?>',
        b'xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b"<BkToCstmrStmt>",
        b"<BkToCstmrDbtCdtNtfctn>", b"<Document>", b"<a:Ntry>", b"xmlns:a='u'", b"<RvslInd>true",
        b"<TxsSummry><TtlNtries><NbOfNtries>", b"<Sum>", b"PK\x03\x04",
    ),
    "ofx": (
        b"OFXHEADER:100", b"<OFX>", b"</OFX>", b"<STMTTRN>", b"</STMTTRN>", b"<TRNAMT>", b"<DTPOSTED>",
        b"<DTAVAIL>", b"<FITID>", b"<STMTRS>", b"</STMTRS>", b"<CCSTMTRS>", b"<BANKTRANLIST>",
        b"</BANKTRANLIST>", b"<CURDEF>", b"<CURRENCY><CURSYM>", b"<LEDGERBAL>", b"<BALAMT>", b"<STATUS>",
        b"<SEVERITY>ERROR", b"<CODE>", b"<SIGNONMSGSRSV1>", b"<SONRS>", b"<?OFX", b"?>", b"<?", b"<!--",
        b"-->", b"</", b"<>", b"< >", b"<a b>", b"&amp;", b"&lt;", b"&#12;", b"&bogus;", b"ENCODING:UTF-8",
        b"CHARSET:1252", b"DATA:OFXSGML", b"VERSION:220", b"20241301", b"99999999", b"20240230120000",
        b"[-5:EST]", b"<MEMO>", b"<NAME>", b"<INVSTMTRS>", b"<STMTTRNRS>",
    ),
    "qif": (
        b"!Type:Bank", b"!Type:Invst", b"!Type:Cat", b"!Type:CCard", b"!Account", b"!Option:AutoSwitch",
        b"!Clear:AutoSwitch", b"!", b"^", b"\n^\n", b"D", b"T", b"U", b"P", b"M", b"N", b"S", b"$", b"L",
        b"D1/ 5'04", b"D31/12/2024", b"D02/30/2024", b"D2024-01-01", b"D99/99/99", b"T-1,234.56",
        b"T1.234,56", b"T(12.00)", b"T12.00-", b"T1E5",
    ),
    "delimited": (
        b",", b";", b"\t", b"|", b'"', b'""', b'"\n', b"Date", b"Amount", b"Balance", b"Currency",
        b"Credit", b"Debit", b"D/C", b"Value date", b"Fee", b"Date,Amount\n", b"Datum;Betrag\n",
        b"(12.00)", b"12.00-", b"1.234,56", b"1,234.56", b"1 234,56", b"'579,68 USD", b"$ 1 234.50",
        b"31/12/2024", b"12/31/2024", b"2024-13-45", b"2024-02-30 25:00", b"31.12.24", b"Jan 1, 2024",
        b"C", b"D", b"CR", b"DR", b"=SUM(A1)", b"PK\x03\x04", b"<c r=\"A1\" t=\"s\"><v>99</v></c>",
        b"<v>", b"</v>", b't="n"', b't="d"', b't="e"', b't="b"', b"<row>", b"</row>", b"<sheetData>",
        b"1e300", b"-1E+400", b"nan", b"inf", b"1e-300", b'r="XFD1048577"', b'r="A0"', b'r="1A"',
        b'<c r="B2" t="d"><v>', b'<c r="A2"><v>', b'<c r="A2" t="s"><v>',
    ),
}  # fmt: skip


def tokens_for(fmt: str) -> tuple[bytes, ...]:
    """The tokens for a seed of ``fmt`` (its own first), with some of every other format's."""
    others = tuple(t for name, tokens in TOKENS.items() if name != fmt for t in tokens[:6])
    return TOKENS.get(fmt, ()) + GENERIC + others


def format_of(data: bytes, name: str) -> str:
    """The reader that claims a file, by the dispatcher's own sniffing ("none" if no reader does)."""
    head, path = data[:4096], Path(name)
    with tempfile.TemporaryDirectory() as folder:  # sniffing a zip opens the file
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        for reader in READERS:
            if reader.sniff(head, path):
                return str(reader.__name__).rsplit(".", 1)[-1]
    return "none"


# --- applying a mutation --------------------------------------------------------------------------


def apply(data: bytes, mutation: Mutation) -> bytes:
    op, at, size, token = mutation
    if op == "member":
        return _member(data, at, size, token)
    n = len(data)
    at = at % (n + 1)
    size = 1 + size % 64
    if op == "flip":
        mask = token[0] if token and token[0] else 0xFF
        return data[:at] + bytes(b ^ mask for b in data[at : at + size]) + data[at + size :]
    if op == "truncate":
        return data[:at]
    if op == "cut":
        return data[:at] + data[at + size :]
    if op == "repeat":
        return data[:at] + data[at : at + size] * min(len(token) + 1, 64) + data[at:]
    if op == "insert":
        return data[:at] + token + data[at:]
    if op == "overwrite":
        return data[:at] + token + data[at + len(token) :]
    if op == "text":
        opened = data.find(b">", at)
        closed = data.find(b"<", opened + 1) if opened >= 0 else -1
        return data[: opened + 1] + token + data[closed:] if closed >= 0 else data + token
    start = data.rfind(b"\n", 0, at) + 1  # the line holding ``at``
    end = data.find(b"\n", at)
    end = n if end < 0 else end + 1
    if op == "line":
        return data[:start] + token + data[start:]
    if op == "drop_line":
        return data[:start] + data[end:]
    if op == "dup_line":
        return data[:end] + data[start:end] + data[end:]
    if op == "empty_line":
        return data[:start] + b"\n" + data[end:]
    raise ValueError(f"unknown mutation {op!r}")


def _member(data: bytes, at: int, size: int, token: bytes) -> bytes:
    """The archive with one member's content broken (``insert``); other bytes as they are."""
    if not data.startswith(b"PK\x03\x04"):
        return apply(data, ("insert", at, size, token))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # a member already broken by an earlier mutation: break the bytes instead
        return apply(data, ("insert", at, size, token))
    if not members:
        return data
    chosen, op = size % len(members), ("insert", "text", "overwrite", "cut")[size // 7 % 4]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (info, content) in enumerate(members):
            if index == chosen:
                content = apply(content, (op, at, size, token))
            archive.writestr(info, content)
    return out.getvalue()


#: Ops a format's seeds get more often: element text keeps markup well-formed, so that the code
#: behind the XML parser is reached; whole lines suit the line formats.
_FAVOURED = {"camt": ("text",) * 6, "ofx": ("text",) * 4, "delimited": ("member",) * 2}
_LINES = ("line", "dup_line", "drop_line")


def ops_for(fmt: str) -> tuple[str, ...]:
    """Every op, the ones that suit ``fmt`` repeated (drawing uniformly from this weights them)."""
    return OPS + _FAVOURED.get(fmt, _LINES)


def random_mutation(rng: random.Random, fmt: str) -> Mutation:
    tokens = tokens_for(fmt)
    op = rng.choice(ops_for(fmt))
    return op, rng.randrange(1 << 20), rng.randrange(1 << 10), rng.choice(tokens)


def mutate(data: bytes, rng: random.Random, fmt: str, rounds: int = 0) -> tuple[bytes, list[Mutation]]:
    """``data`` with 1 to 4 random mutations (``rounds`` of them when given), and the mutations."""
    applied = [random_mutation(rng, fmt) for _ in range(rounds or rng.choice((1, 1, 2, 3, 4)))]
    for mutation in applied:
        data = apply(data, mutation)
    return data, applied


# --- running the readers ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # "parsed", "refused" (one of our errors) or "crash" (any other exception)
    error: str = ""  # the exception's type and message
    where: str = ""  # for a crash: the innermost frame in dunwell, "file:line function"


class Hang(Exception):
    """A read that took longer than the fuzzer allows (a loop that a stated count drives, say)."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang("no answer within the time limit")


def run(data: bytes, name: str, folder: Path, timeout: float = 10.0) -> Outcome:
    """``read_statement`` over ``data`` written as ``folder/name`` (the name's suffix matters).

    A read that takes longer than ``timeout`` seconds is stopped and reported as a crash
    (``Hang``), where the platform has ``SIGALRM`` and this is the main thread.
    """
    path = folder / Path(name).name
    path.write_bytes(data)
    main = threading.current_thread() is threading.main_thread()
    timed = timeout > 0 and hasattr(signal, "SIGALRM") and main
    previous = signal.signal(signal.SIGALRM, _alarm) if timed else None
    if timed:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        read_statement(path)
    except DunwellError as exc:
        return Outcome("refused", f"{type(exc).__name__}: {_short(str(exc))}")
    except Exception as exc:  # what the fuzzer is for: anything else is a crash to report
        return Outcome("crash", f"{type(exc).__name__}: {_short(str(exc))}", _where(exc))
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    return Outcome("parsed")


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/dunwell/" in f.filename]
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{frame.filename.rsplit('/dunwell/', 1)[-1]}:{frame.lineno} {frame.name}"


# --- seeds and the campaign ---------------------------------------------------------------------

#: Files beside the samples that are not statements: licences, notes, expected parses.
_NOT_SAMPLES = (".md", ".yml", ".yaml", ".json", ".pydata", ".tsv", ".py", ".php")


def seed_files(folder: Path) -> list[Path]:
    """Every sample file under ``folder`` (the shared bank-statements folder), in a stable order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith("LICENSE") and not p.name.lower().endswith(_NOT_SAMPLES)
    )


@dataclass(frozen=True, slots=True)
class Seed:
    name: str  # a label, and the file name the mutants are written under (its suffix counts)
    data: bytes
    fmt: str


def load_seeds(paths: Iterable[Path], root: Path | None = None) -> list[Seed]:
    seeds = []
    for path in paths:
        data = path.read_bytes()
        label = str(path.relative_to(root)) if root else path.name
        seeds.append(Seed(label, data, format_of(data, path.name)))
    return seeds


@dataclass(slots=True)
class Report:
    files: int = 0
    by_format: dict[str, Counter[str]] = field(default_factory=dict)
    crashes: dict[tuple[str, str], list[dict[str, object]]] = field(default_factory=dict)
    slowest: tuple[float, str] = (0.0, "")

    def add(self, seed: Seed, outcome: Outcome, mutations: list[Mutation], seconds: float, at: int) -> None:
        self.files += 1
        self.by_format.setdefault(seed.fmt, Counter())[outcome.kind] += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, f"{seed.name} (file {at})")
        if outcome.kind == "crash":
            key = (outcome.error.split(":", 1)[0], outcome.where)
            self.crashes.setdefault(key, []).append(
                {"file": at, "seed": seed.name, "error": outcome.error, "mutations": describe(mutations)}
            )

    def summary(self, examples: int = 3) -> dict[str, object]:
        totals: Counter[str] = Counter()
        for counts in self.by_format.values():
            totals.update(counts)
        return {
            "files": self.files,
            "parsed": totals["parsed"],
            "refused": totals["refused"],
            "crashes": totals["crash"],
            "per_format": {
                fmt: {k: counts[k] for k in ("parsed", "refused", "crash")}
                for fmt, counts in sorted(self.by_format.items())
            },
            "crash_kinds": [
                {"exception": kind, "where": where, "count": len(found), "examples": found[:examples]}
                for (kind, where), found in sorted(self.crashes.items(), key=lambda kv: -len(kv[1]))
            ],
            "slowest_file_seconds": round(self.slowest[0], 3),
            "slowest_file": self.slowest[1],
        }


def describe(mutations: list[Mutation]) -> str:
    """The mutations for a report; a long token is shortened (``mutant`` gives the file itself)."""
    shown = [
        (op, at, size, token if len(token) <= 40 else f"{token[:12]!r}... ({len(token)} bytes)")
        for op, at, size, token in mutations
    ]
    return repr(shown)


def mutant(seeds: list[Seed], seed: int, index: int) -> tuple[Seed, bytes, list[Mutation]]:
    """File ``index`` of the campaign with ``seed``: a reported crash, to replay and debug."""
    for at, chosen, data, mutations in campaign(seeds, index + 1, seed):
        if at == index:
            return chosen, data, mutations
    raise IndexError(f"no file {index} in a campaign of {index + 1}")


def campaign(seeds: list[Seed], files: int, seed: int) -> Iterator[tuple[int, Seed, bytes, list[Mutation]]]:
    """``files`` mutants, round-robin over the seeds, reproducible from ``seed``."""
    rng = random.Random(seed)
    for at in range(files):
        chosen = seeds[at % len(seeds)]
        data, mutations = mutate(chosen.data, rng, chosen.fmt)
        yield at, chosen, data, mutations


def fuzz(seeds: list[Seed], files: int, seed: int = 0, timeout: float = 10.0) -> Report:
    """Read ``files`` mutants of ``seeds`` (see ``campaign``), each in at most ``timeout`` seconds."""
    report = Report()
    with tempfile.TemporaryDirectory(prefix="dunwell-fuzz-") as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about every odd workbook it still reads
        for at, chosen, data, mutations in campaign(seeds, files, seed):
            started = time.perf_counter()
            outcome = run(data, chosen.name, Path(folder), timeout)
            report.add(chosen, outcome, mutations, time.perf_counter() - started, at)
    return report
