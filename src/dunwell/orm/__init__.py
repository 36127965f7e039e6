"""SQLAlchemy 2 mapped classes, one module per aggregate. Importing this package registers them all."""

from dunwell.orm.access import ApiToken, LoginAttempt, PortfolioGrant, WebSession
from dunwell.orm.audit import AuditEntry
from dunwell.orm.base import Base
from dunwell.orm.cashapp import (
    BankAccount,
    BankStatement,
    CashMatch,
    CashMatchRun,
    PayerAlias,
    RejectedMatch,
    StatementEntry,
)
from dunwell.orm.collections import (
    Dispute,
    DisputeInvoice,
    Hold,
    PaymentPlan,
    PromiseInvoice,
    PromiseToPay,
    Touch,
)
from dunwell.orm.customer import Contact, ContactChannelConsent, Customer
from dunwell.orm.entity import LegalEntity
from dunwell.orm.import_batch import ImportBatch
from dunwell.orm.inbox import ReceivedReply
from dunwell.orm.invoice import Invoice, InvoiceRevision
from dunwell.orm.payment import Allocation, Payment, PaymentOrigin
from dunwell.orm.prediction import InvoicePrediction, PredictionModel, ScoringRun
from dunwell.orm.reminders import Reminder, ReminderEvent, ReminderItem, ReminderSkip
from dunwell.orm.report import BookVersion, ReportSnapshot
from dunwell.orm.settlement import WriteOff, WriteOffStatus
from dunwell.orm.terms import TermsCode
from dunwell.orm.user import User

__all__ = [
    "Allocation",
    "ApiToken",
    "AuditEntry",
    "BankAccount",
    "BankStatement",
    "Base",
    "BookVersion",
    "CashMatch",
    "CashMatchRun",
    "Contact",
    "ContactChannelConsent",
    "Customer",
    "Dispute",
    "DisputeInvoice",
    "Hold",
    "ImportBatch",
    "Invoice",
    "InvoicePrediction",
    "InvoiceRevision",
    "LegalEntity",
    "LoginAttempt",
    "PayerAlias",
    "Payment",
    "PaymentOrigin",
    "PaymentPlan",
    "PortfolioGrant",
    "PredictionModel",
    "PromiseInvoice",
    "PromiseToPay",
    "ReceivedReply",
    "RejectedMatch",
    "Reminder",
    "ReminderEvent",
    "ReminderItem",
    "ReminderSkip",
    "ReportSnapshot",
    "ScoringRun",
    "StatementEntry",
    "TermsCode",
    "Touch",
    "User",
    "WebSession",
    "WriteOff",
    "WriteOffStatus",
]
