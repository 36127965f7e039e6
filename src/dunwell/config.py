"""The one Settings object. Nothing else in Dunwell reads the environment."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
