"""What reading a damaged ZIP archive raises (camt zips, XLSX workbooks).

``zipfile`` reports a damaged archive with ``BadZipFile`` only where it checks the structure
itself; the layers below it raise their own errors when the bytes of a member are broken. Each of
these means "the archive is damaged" to whoever sent the file, so the readers catch this tuple
around their archive reads (and nothing else) and refuse the file with the reason.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib

DAMAGED_ZIP: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,  # no or a corrupt directory, a bad CRC, a local header that disagrees
    zlib.error,  # deflated data that does not inflate
    lzma.LZMAError,  # LZMA data that does not decompress
    EOFError,  # a member shorter than its header says
    UnicodeDecodeError,  # a member name flagged as UTF-8 that is not
    NotImplementedError,  # a compression method zipfile does not have
    RuntimeError,  # an encrypted member
    OSError,  # bzip2 data that does not decompress
)
