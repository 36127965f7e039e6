"""Reading the YAML a person writes (import and bank mappings): one place for the file and YAML
errors, so every loader reports them alike: the source, then what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dunwell.ingest.errors import MappingError


def read_mapping_file(path: Path | str) -> tuple[str, str]:
    """The text of a mapping file and its name for messages; ``MappingError`` when unreadable."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc}") from None


def yaml_object(text: str, *, source: str, shape: str) -> dict[str, Any]:
    """``text`` parsed as a YAML object; ``shape`` says what one should hold, for the error."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{source}: {shape}")
    return data
