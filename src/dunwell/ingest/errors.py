"""The failures of an import that stop it before any row is read.

Bad rows are not errors: they become ``Rejection`` values. These exceptions are for a mapping that
cannot work (``MappingError``) or a file that cannot be read at all (``SourceError``).
"""

from __future__ import annotations

from dunwell.core.errors import DunwellError, ErrorKind

#: A mapping file or preset that is not valid (bad YAML, unknown field, malformed spec).
MAPPING_INVALID = "mapping_invalid"
#: A mapping that names columns the file does not have.
MAPPING_MISSING_COLUMN = "mapping_missing_column"
#: A file that is missing, unreadable, empty, or of an unknown format.
FILE_UNREADABLE = "file_unreadable"


class MappingError(DunwellError):
    """A column mapping that cannot be applied; ``code`` says why (see the module constants)."""

    def __init__(self, message: str, *, code: str = MAPPING_INVALID) -> None:
        super().__init__(message, code=code, kind=ErrorKind.INVALID)


class SourceError(DunwellError):
    """A source file that cannot be read as a table (code ``file_unreadable``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=FILE_UNREADABLE, kind=ErrorKind.INVALID)
