"""Small statements of every format, written for the fuzz test (they need no ../shared data).

Each is a sound file its reader parses; between them they reach the parts of each reader that do
more than copy text: MT940 ``:86:`` dialects and MT942 totals, BAI2 summaries with funds types,
``88`` continuations and X12 addenda, camt batches that split and balances, OFX in SGML and XML,
QIF, a CSV with a preamble and decimal commas, an XLSX workbook and a zip of camt files (these two
are built when asked for, with openpyxl and zipfile).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

MT940 = b"""\
:20:STMT-2024-001
:25:NL91ABNA0417164300
:28C:00001/001
:60F:C240102EUR1000,00
:61:2401030103C150,25NTRFINV-4711//BANKREF1
:86:166?00SEPA-GUTSCHRIFT?20EREF+E2E-1 SVWZ+RE 4711?21ACME?31DE44500105175407324931?32ACME GMBH
:61:240104D20,NMSCNONREF
AUTOMATIC FEE
:86:/EREF/NOTPROVIDED/NAME/BANK/REMI/FEE JANUARY/
:62F:C240104EUR1130,25
:86:END OF STATEMENT
-
"""

MT942 = b"""\
{1:F01ABNANL2AXXXX0000000000}{2:O942ABNANL2AXXXXN}{4:
:20:INTRADAY-7
:25:DE44500105175407324931EUR
:28C:7/1
:34F:EURD0,
:13D:2401041200+0100
:61:2401040104C75,00NTRFRF18539007547034
/CNTP/NL91ABNA0417164300/ABNANL2A/CLIENT BV/AMSTERDAM/
:86:/REMI/STRD/CUR/RF18539007547034/
:90D:0EUR0,
:90C:1EUR75,00
-}
"""

BAI2 = b"""\
01,BANKID,ACME,240103,0800,1,80,,2/
02,ACME,BANKID,1,240102,2359,USD,2/
03,1234567890,USD,010,500000,,,015,650000,,,100,150000,2,D,1,1,150000,/
88,400,0,0,0/
16,165,100000,V,240103,,ACHREF1,CUSTREF1,ORIG CO NAME:ACME CORP ORIG ID:1234567890 DESC DATE:240103 CO
88,ENTRY DESCR:PAYMENT SEC:CCD IND ID:INV104233 IND NAME:DUNWELL FOODS RMR*IV*104233*PI*1000.00*1020.00*20.00~
16,195,50000,0,WIREREF,,FEDWIRE CREDIT VIA: FIRST BANK B/O: GLOBEX LLC 1 MAIN ST OBI=INV 104240 500.00
16,890,0,Z,INFO,,BALANCE NOTICE/
49,1450000,7/
98,1450000,1,9/
99,1450000,1,11/
"""

CAMT053 = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>MSG1</MsgId><CreDtTm>2024-01-05T08:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>STMT-1</Id>
   <FrToDt><FrDtTm>2024-01-04T00:00:00</FrDtTm><ToDtTm>2024-01-04T23:59:59</ToDtTm></FrToDt>
   <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-04</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1290.00</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-01-04</Dt></Dt></Bal>
   <TxsSummry><TtlNtries><NbOfNtries>3</NbOfNtries></TtlNtries>
    <TtlCdtNtries><NbOfNtries>2</NbOfNtries><Sum>305.00</Sum></TtlCdtNtries>
    <TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>10.00</Sum></TtlDbtNtries></TxsSummry>
   <Ntry>
    <NtryRef>E1</NtryRef><Amt Ccy="EUR">300.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2024-01-04</Dt></BookgDt><ValDt><DtTm>2024-01-04T10:00:00+01:00</DtTm></ValDt>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
    <NtryDtls>
     <TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs><Amt Ccy="EUR">100.00</Amt>
      <RltdPties><Dbtr><Nm>ACME BV</Nm></Dbtr>
       <DbtrAcct><Id><IBAN>DE44500105175407324931</IBAN></Id></DbtrAcct></RltdPties>
      <RmtInf><Ustrd>INVOICE 4711</Ustrd></RmtInf></TxDtls>
     <TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
      <AmtDtls><TxAmt><Amt Ccy="EUR">200.00</Amt></TxAmt></AmtDtls>
      <RltdPties><Dbtr><Pty><Nm>GLOBEX</Nm></Pty></Dbtr></RltdPties>
      <RmtInf><Strd><RfrdDocInf><Nb>4712</Nb></RfrdDocInf>
       <CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
    </NtryDtls>
   </Ntry>
   <Ntry>
    <Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>false</RvslInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2024-01-04</Dt></BookgDt><AddtlNtryInf>BANK FEE</AddtlNtryInf>
   </Ntry>
   <Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts></Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""

CAMT054 = b"""\
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn>
<Ntfctn><Id>N1</Id><Acct><Id><Othr><Id>12345</Id></Othr></Id></Acct>
<Ntry><AcctSvcrRef>S1</AcctSvcrRef><Amt Ccy="CHF">42.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<Sts><Cd>BOOK</Cd></Sts><ValDt><Dt>2024-01-04</Dt></ValDt><NtryDtls><TxDtls>
<RltdPties><UltmtDbtr><Pty><Nm>ULTIMATE AG</Nm></Pty></UltmtDbtr></RltdPties>
<RmtInf><Ustrd>ORDER 99</Ustrd></RmtInf><AddtlTxInf>TRANSFER</AddtlTxInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
"""

OFX_SGML = b"""\
OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS><DTSERVER>20240105<LANGUAGE>ENG</SONRS>
</SIGNONMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>121000248<ACCTID>998877<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20240101<DTEND>20240105
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20240103120000[-5:EST]<TRNAMT>1500.00<FITID>T1<NAME>ACME &amp; SONS
<MEMO>INV 104233</STMTTRN>
<STMTTRN><TRNTYPE>CHECK<DTPOSTED>20240104<DTAVAIL>20240105<TRNAMT>-25,50<FITID>T2<CHECKNUM>0001043
<REFNUM>77<PAYEE><NAME>OFFICE SUPPLY</PAYEE></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1474.50<DTASOF>20240105</LEDGERBAL></STMTRS></STMTTRNRS>
</BANKMSGSRSV1></OFX>
"""

OFX_XML = b"""\
<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX><!-- a comment the SGML lexer must not read -->
<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID>
<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<CCSTMTRS><CURDEF>AUD</CURDEF><CCACCTFROM><ACCTID>4000-1234</ACCTID></CCACCTFROM>
<BANKTRANLIST><DTSTART>20240101</DTSTART><DTEND>20240131</DTEND>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20240110</DTPOSTED><TRNAMT>-80.00</TRNAMT><FITID>C1</FITID>
<NAME>CAFE</NAME><CURRENCY><CURRATE>1.0</CURRATE><CURSYM>NZD</CURSYM></CURRENCY></STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>-80.00</BALAMT><DTASOF>20240131</DTASOF></LEDGERBAL>
</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>
"""

QIF = b"""\
!Account
NChecking
TBank
^
!Type:Bank
D1/ 5'24
T1,250.00
PAcme Corp
MInvoice 4711
N1001
^
D1/31'24
T-75.46
PPower Co
SUtilities
$-75.46
^
!Type:Cat
NFood
^
"""

CSV = """\
Account;NL91ABNA0417164300
Period;01.01.2024 - 31.01.2024

Buchungstag;Valuta;Auftraggeber;Verwendungszweck;Betrag;Währung;Saldo
02.01.2024;02.01.2024;ACME GmbH;RE 4711;1.250,00;EUR;2.250,00
03.01.2024;04.01.2024;Stadtwerke;"Strom; Januar";-75,46;EUR;2.174,54
""".encode("cp1252")


def xlsx() -> bytes:
    """A workbook: a preamble row, the header, typed cells (dates, numbers, text)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Statement", "ACME"])
    sheet.append(["Date", "Description", "Amount", "Currency", "Balance"])
    sheet.append([datetime.date(2024, 1, 2), "INV 4711", 1250.0, "USD", Decimal("2250.00")])
    sheet.append([datetime.datetime(2024, 1, 3, 9, 30), "Fee", -12.5, "USD", 2237.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def camt_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("statements/day1.xml", CAMT053)
        archive.writestr("readme.txt", "not a statement")
    return out.getvalue()


def seeds() -> dict[str, bytes]:
    """Every seed by the file name it is written under (the suffix decides some sniffing)."""
    return {
        "statement.sta": MT940,
        "interim.942": MT942,
        "report.bai2": BAI2,
        "camt053.xml": CAMT053,
        "camt054.xml": CAMT054,
        "bank.ofx": OFX_SGML,
        "card.qfx": OFX_XML,
        "export.qif": QIF,
        "umsaetze.csv": CSV,
        "export.xlsx": xlsx(),
        "camt053.zip": camt_zip(),
    }
