"""The import engine: files in, typed canonical rows and rejections out.

Typical use by the import service::

    mapping = load_preset("ibm", ImportKind.INVOICES)          # or load_mapping(path), identity_mapping(kind)
    with open_table(path, mapping=mapping) as table, RejectWriter(path, table.columns) as rejects:
        check_columns(mapping, table.columns)                   # MappingError naming missing columns
        for row in parse_rows(table, mapping):
            if isinstance(row, Rejection):
                rejects.write(row)
            else:
                ...                                             # InvoiceRow | PaymentRow | CustomerRow

Nothing here touches a database: the engine may import the standard library, pyyaml, openpyxl,
pyarrow and ``dunwell.core`` only.
"""

from dunwell.ingest.canonical import ParsedRow, parse_rows
from dunwell.ingest.errors import (
    FILE_UNREADABLE,
    MAPPING_INVALID,
    MAPPING_MISSING_COLUMN,
    MappingError,
    SourceError,
)
from dunwell.ingest.fields import DEFAULT_ENTITY, ImportKind
from dunwell.ingest.mapping import (
    AddDaysSpec,
    ColumnSpec,
    ConstantSpec,
    FieldSpec,
    ImportMapping,
    available_presets,
    check_columns,
    identity_mapping,
    load_mapping,
    load_preset,
    mapping_from_dict,
)
from dunwell.ingest.readers import SourceRow, SourceTable, open_table
from dunwell.ingest.records import CanonicalRow, CustomerRow, InvoiceRow, PaymentRow, Problem, Rejection
from dunwell.ingest.rejects import RejectFileError, RejectWriter, reject_path_for

__all__ = [
    "DEFAULT_ENTITY",
    "FILE_UNREADABLE",
    "MAPPING_INVALID",
    "MAPPING_MISSING_COLUMN",
    "AddDaysSpec",
    "CanonicalRow",
    "ColumnSpec",
    "ConstantSpec",
    "CustomerRow",
    "FieldSpec",
    "ImportKind",
    "ImportMapping",
    "InvoiceRow",
    "MappingError",
    "ParsedRow",
    "PaymentRow",
    "Problem",
    "RejectFileError",
    "RejectWriter",
    "Rejection",
    "SourceError",
    "SourceRow",
    "SourceTable",
    "available_presets",
    "check_columns",
    "identity_mapping",
    "load_mapping",
    "load_preset",
    "mapping_from_dict",
    "open_table",
    "parse_rows",
    "reject_path_for",
]
