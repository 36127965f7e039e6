"""A customer's postal address as the lines a letter shows (the print service reads them through
the envelope window), from the parts an ERP export gives."""

from __future__ import annotations

#: Countries that write the town before the postcode ("SPRINGFIELD, IL 62701"); the rest of the
#: countries we bill in write the postcode first ("10115 Berlin"), and the UK on a line of its own.
_TOWN_FIRST = frozenset({"US", "CA", "AU"})
_POSTCODE_OWN_LINE = frozenset({"GB", "IE"})


def postal_lines(
    *,
    line1: str | None,
    line2: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
    region: str | None = None,
    country: str | None = None,
) -> str | None:
    """The address lines joined by newlines, in the country's order; ``None`` without a street line
    and a town (a letter cannot be delivered on a name alone)."""
    street, extra = (line1 or "").strip(), (line2 or "").strip()
    code, town, area = (postal_code or "").strip(), (city or "").strip(), (region or "").strip()
    if not street or not town:
        return None
    lines = [street, extra] if extra else [street]
    where = (country or "").upper()
    if where in _TOWN_FIRST:
        tail = " ".join(p for p in (area, code) if p)
        lines.append(f"{town}, {tail}" if tail else town)
    elif where in _POSTCODE_OWN_LINE:
        lines.extend(p for p in (town, area, code) if p)
    else:
        lines.append(" ".join(p for p in (code, town) if p))
        if area:
            lines.append(area)
    return "\n".join(lines)
