"""Reading YAML a person wrote, keeping where each value stands, so that every mistake in a policy
file is reported at once with its line and field path (``line 12, policies.standard.steps[2].tone:
'angry' is not one of friendly, firm, urgent, final_demand``).

The file is composed into YAML nodes (which carry their line) instead of loaded into dicts; each
reader method checks one node, records a ``PolicyProblem`` when it is wrong and returns ``None``, so
the caller carries on and finds the next mistake. Numbers that are money are read from the text as
written (``25000.00`` never passes through a float). Anchors, aliases and ``<<`` merges work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

import yaml

from dunwell.core.currencies import is_currency, minor_unit_exponent

E = TypeVar("E", bound=StrEnum)

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Builds scalars and resolves merges the way safe_load would; it holds no document.
_CONSTRUCTOR = yaml.SafeLoader("")


@dataclass(frozen=True, slots=True, order=True)
class PolicyProblem:
    """One mistake in a policy file: 1-based line, the field's path, what is wrong."""

    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return (
            f"line {self.line}, {self.path}: {self.message}"
            if self.path
            else f"line {self.line}: {self.message}"
        )

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "path": self.path, "message": self.message}


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def compose(text: str) -> tuple[yaml.Node | None, list[PolicyProblem]]:
    """The document's root node, or the YAML syntax error as a problem."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else 1
        return None, [PolicyProblem(line, "", f"not valid YAML: {exc.problem or exc}")]
    except yaml.YAMLError as exc:
        return None, [PolicyProblem(1, "", f"not valid YAML: {' '.join(str(exc).split())}")]


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {
        _INT_TAG: "a whole number",
        _FLOAT_TAG: "a number",
        _BOOL_TAG: "true/false",
        _NULL_TAG: "empty",
    }.get(node.tag, f"the text {node.value!r}")


@dataclass
class NodeReader:
    """Checks nodes and collects the problems found (``problems``), in the order they are met."""

    problems: list[PolicyProblem] = field(default_factory=list)

    def problem(self, node: yaml.Node, path: str, message: str) -> None:
        self.problems.append(PolicyProblem(line_of(node), path, message))

    def mapping(
        self, node: yaml.Node, path: str, *, required: Iterable[str] = (), optional: Iterable[str] = ()
    ) -> dict[str, yaml.Node] | None:
        """A mapping's fields by name; unknown, repeated and missing fields are problems. With neither
        ``required`` nor ``optional``, any key is accepted (a mapping of names to values)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, f"expected a mapping, found {_kind(node)}")
            return None
        own = sum(1 for key_node, _ in node.value if key_node.tag != _MERGE_TAG)
        # Resolve `<<: *anchor` merges on a copy: an anchored node may be read again elsewhere.
        flat = yaml.MappingNode(node.tag, list(node.value), node.start_mark, node.end_mark)
        try:
            _CONSTRUCTOR.flatten_mapping(flat)
        except yaml.MarkedYAMLError as exc:
            self.problem(node, path, f"cannot merge: {exc.problem}")
            return None
        merged = len(flat.value) - own  # merged pairs come first; the mapping's own keys override them
        required, optional = tuple(required), tuple(optional)
        known = (*required, *optional)
        fields: dict[str, yaml.Node] = {}
        own_keys: set[str] = set()
        for position, (key_node, value_node) in enumerate(flat.value):
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{path}.{key}" if path else str(key)
            is_own = position >= merged
            if key is None or key_node.tag == _NULL_TAG:
                self.problem(key_node, path, "a key must be a name")
            elif is_own and key in own_keys:
                self.problem(key_node, where, f"repeated (first on line {line_of(fields[key])})")
            elif known and key not in known:
                self.problem(key_node, where, f"unknown field (expected one of {', '.join(known)})")
            else:
                fields[key] = value_node
                if is_own:
                    own_keys.add(key)
        for name in required:
            if name not in fields:
                self.problem(node, path, f"missing field {name!r}")
        return fields

    def sequence(self, node: yaml.Node, path: str, *, non_empty: bool = True) -> list[yaml.Node] | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, path, f"expected a list, found {_kind(node)}")
            return None
        if non_empty and not node.value:
            self.problem(node, path, "must not be empty")
        return list(node.value)

    def text(self, node: yaml.Node, path: str, *, pattern: str | None = None) -> str | None:
        """A scalar as text (``1001`` as a key or name is the text ``'1001'``)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag in (_NULL_TAG, _BOOL_TAG):
            self.problem(node, path, f"expected text, found {_kind(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, path, "must not be empty")
            return None
        if pattern is not None and not re.fullmatch(pattern, value):
            self.problem(node, path, f"{value!r} must be lower-case letters, digits and _")
            return None
        return value

    def integer(self, node: yaml.Node, path: str, *, minimum: int, maximum: int | None = None) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT_TAG:
            self.problem(node, path, f"expected a whole number, found {_kind(node)}")
            return None
        value = int(_CONSTRUCTOR.construct_yaml_int(node))
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and {maximum}" if maximum is not None else ""
            bound = f"between {minimum}{upper}" if maximum is not None else f"at least {minimum}"
            self.problem(node, path, f"{value} must be {bound}")
            return None
        return value

    def boolean(self, node: yaml.Node, path: str) -> bool | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL_TAG:
            self.problem(node, path, f"expected true or false, found {_kind(node)}")
            return None
        return bool(_CONSTRUCTOR.construct_yaml_bool(node))

    def share(self, node: yaml.Node, path: str) -> float | None:
        """A share between 0 and 1 (``0.10``), or a percentage written ``10%``."""
        raw = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        percent = raw.endswith("%")
        try:
            value = Decimal(raw.removesuffix("%").strip()) / (100 if percent else 1)
        except InvalidOperation:
            self.problem(node, path, f"expected a share such as 0.10 or 10%, found {_kind(node)}")
            return None
        if not (0 <= value <= 1):
            self.problem(node, path, f"{raw} must be between 0 and 1 (or 0% and 100%)")
            return None
        return float(value)

    def choice(self, node: yaml.Node, path: str, enum: type[E]) -> E | None:
        value = self.text(node, path)
        if value is None:
            return None
        try:
            return enum(value)
        except ValueError:
            names = ", ".join(member.value for member in enum)
            self.problem(node, path, f"{value!r} is not one of {names}")
            return None

    def amounts_by_currency(self, node: yaml.Node, path: str) -> dict[str, int] | None:
        """``{USD: 25000.00, EUR: "20000"}`` as integer minor units per currency, read from the text
        as written; a code that is not ISO 4217 or an amount with too many decimals is a problem."""
        fields = self.mapping(node, path)
        if fields is None:
            return None
        amounts: dict[str, int] = {}
        for code, value_node in fields.items():
            where = f"{path}.{code}"
            if not is_currency(code):
                self.problem(value_node, where, f"{code!r} is not an ISO 4217 currency code (USD, EUR...)")
                continue
            minor = self._minor_units(value_node, where, code)
            if minor is not None:
                amounts[code] = minor
        return amounts

    def _minor_units(self, node: yaml.Node, path: str, currency: str) -> int | None:
        raw = str(node.value).replace("_", "").strip() if isinstance(node, yaml.ScalarNode) else ""
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            self.problem(node, path, f"expected an amount such as 25000.00, found {_kind(node)}")
            return None
        if not amount.is_finite() or amount < 0:
            self.problem(node, path, f"{raw} must be an amount of 0 or more")
            return None
        scaled = amount.scaleb(minor_unit_exponent(currency))
        if scaled != scaled.to_integral_value():
            self.problem(node, path, f"{raw} has more decimals than {currency} allows")
            return None
        return int(scaled)
