"""The one Settings object. Nothing else in Dunwell reads the environment."""

from __future__ import annotations

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
