"""A policy file's text to a ``PolicyBook``, with every mistake listed by line and field path.

The shape (ADR 0029; ``policies/default.yaml`` is a full example)::

    version: 1
    policies:
      standard:
        min_days_between_messages: 5
        steps:
          - {id: heads_up, from: due, days: -3, tone: friendly, channels: [email]}
          - {id: nudge, from: due, days: 7, tone: friendly, channels: [email], ai_draft: true}
          - {id: final_demand, from: due, days: 45, tone: final_demand, channels: [letter, email],
             approval: {amount_over: {USD: 25000.00}}, claim_interest: true}
    assignments:            # optional with one policy: it is the default
      default: standard
      customers: {C-1001: strategic}    # external id -> policy
      segments: {chronic_late: strict}  # segment name -> policy
      entities: {US01: standard}        # legal entity code -> policy

``ai_draft: true`` lets the configured drafting provider word that step's emails (ADR 0035).
``check_policy_text`` never raises: it returns the book (when there is no problem) and the problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from dunwell.core.collections import Channel
from dunwell.core.errors import DunwellError
from dunwell.dunning.assignment import KNOWN_SEGMENTS
from dunwell.dunning.policy import (
    Anchor,
    ApprovalRule,
    Assignments,
    PaymentPlanLimits,
    Policy,
    PolicyBook,
    SendTimeRule,
    SqueezeRule,
    Step,
    Tone,
    frozen_map,
)
from dunwell.dunning.policy_ladder import check_ladder
from dunwell.dunning.policy_yaml import NodeReader, PolicyProblem, compose, line_of

FORMAT_VERSION = 1
NAME = r"[a-z0-9_]+"
MAX_DAYS = 3660  # ten years: any step or limit beyond is a typo

_POLICY_FIELDS = (
    "description",
    "min_days_between_messages",
    "recent_cash_days",
    "promise_grace_days",
    "send_time",
    "payment_plan",
)
_STEP_FIELDS = (
    "legal_language",
    "approval",
    "claim_interest",
    "claim_compensation",
    "offer_payment_plan",
    "ai_draft",
)


class PolicyFileError(DunwellError):
    """A policy file that cannot be used; the message lists every problem."""

    def __init__(self, source: str, problems: tuple[PolicyProblem, ...]) -> None:
        listed = "; ".join(str(p) for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s): {listed}", code="dunning_policy_invalid")
        self.problems = problems


@dataclass(frozen=True, slots=True)
class PolicyCheck:
    """The result of reading a policy file: a book only when there are no problems."""

    book: PolicyBook | None
    problems: tuple[PolicyProblem, ...]

    @property
    def valid(self) -> bool:
        return not self.problems


def check_policy_text(text: str) -> PolicyCheck:
    """Read a policy file's text; every problem is listed, sorted by line."""
    root, problems = compose(text)
    if root is None:
        return PolicyCheck(None, tuple(problems) or (PolicyProblem(1, "", "the file is empty"),))
    reader = NodeReader()
    book = _book(reader, root)
    found = tuple(sorted(set(reader.problems)))
    return PolicyCheck(None if found else book, found)


def parse_policy_text(text: str, *, source: str) -> PolicyBook:
    """``check_policy_text`` for callers that need a book: ``PolicyFileError`` lists the problems."""
    checked = check_policy_text(text)
    if checked.book is None:
        raise PolicyFileError(source, checked.problems)
    return checked.book


def _book(reader: NodeReader, root: yaml.Node) -> PolicyBook | None:
    fields = reader.mapping(root, "", required=("policies",), optional=("version", "assignments"))
    if fields is None:
        return None
    version = fields.get("version")
    if version is not None and reader.integer(version, "version", minimum=1) not in (None, FORMAT_VERSION):
        reader.problem(version, "version", f"this Dunwell reads policy files of version {FORMAT_VERSION}")
    policies: dict[str, Policy] = {}
    named = reader.mapping(fields["policies"], "policies") if "policies" in fields else None
    for name, node in (named or {}).items():
        policy = _policy(reader, node, f"policies.{name}", name)
        if policy is not None:
            policies[name] = policy
    if named is not None and not named:
        reader.problem(fields["policies"], "policies", "must name at least one policy")
    assignments = _assignments(reader, fields.get("assignments"), root, names=set(named or {}))
    if assignments is None or not named:
        return None
    return PolicyBook(frozen_map(policies), assignments)


def _is_name(value: str) -> bool:
    return re.fullmatch(NAME, value) is not None


def _policy(reader: NodeReader, node: yaml.Node, path: str, name: str) -> Policy | None:
    fields = reader.mapping(node, path, required=("steps",), optional=_POLICY_FIELDS)
    if fields is None:
        return None
    if not _is_name(name):
        reader.problem(node, path, f"policy name {name!r} must be lower-case letters, digits and _")
    payment_plan = None
    if "payment_plan" in fields:
        payment_plan = _payment_plan(reader, fields["payment_plan"], f"{path}.payment_plan")
    steps: list[tuple[int, Step, int]] = []
    step_nodes = reader.sequence(fields["steps"], f"{path}.steps") if "steps" in fields else None
    for index, step_node in enumerate(step_nodes or []):
        step = _step(reader, step_node, f"{path}.steps[{index}]", plans="payment_plan" in fields)
        if step is not None:
            steps.append((index, step, line_of(step_node)))
    for line, where, message in check_ladder(steps):
        reader.problems.append(PolicyProblem(line, f"{path}.steps{where}", message))
    defaults = Policy(name=name, steps=())
    return Policy(
        name=name,
        steps=tuple(step for _, step, _ in steps),
        description=_optional_text(reader, fields, "description", path) or "",
        min_days_between_messages=_int(
            reader, fields, "min_days_between_messages", path, defaults.min_days_between_messages, maximum=365
        ),
        recent_cash_days=_int(
            reader, fields, "recent_cash_days", path, defaults.recent_cash_days, maximum=90
        ),
        promise_grace_days=_int(
            reader, fields, "promise_grace_days", path, defaults.promise_grace_days, maximum=60
        ),
        send_time=_send_time(reader, fields.get("send_time"), f"{path}.send_time"),
        payment_plan=payment_plan,
    )


def _step(reader: NodeReader, node: yaml.Node, path: str, *, plans: bool) -> Step | None:
    fields = reader.mapping(
        node, path, required=("id", "from", "days", "tone", "channels"), optional=_STEP_FIELDS
    )
    if fields is None:
        return None
    step_id = reader.text(fields["id"], f"{path}.id", pattern=NAME) if "id" in fields else None
    anchor = reader.choice(fields["from"], f"{path}.from", Anchor) if "from" in fields else None
    days = None
    if "days" in fields:
        days = reader.integer(fields["days"], f"{path}.days", minimum=-MAX_DAYS, maximum=MAX_DAYS)
    tone = reader.choice(fields["tone"], f"{path}.tone", Tone) if "tone" in fields else None
    channels = _channels(reader, fields["channels"], f"{path}.channels") if "channels" in fields else None
    # Final demands threaten consequences: their wording is legal language unless the file says not.
    legal = _bool(reader, fields, "legal_language", path, tone is Tone.FINAL_DEMAND)
    approval = _approval(reader, fields.get("approval"), f"{path}.approval")
    flags = {name: _bool(reader, fields, name, path, False) for name in _STEP_FIELDS[2:]}
    if approval is not None and approval.legal_language and not legal:
        reader.problem(
            fields["approval"],
            f"{path}.approval.legal_language",
            "asks for approval of legal language, but the step has none (legal_language: false)",
        )
    if flags["offer_payment_plan"] and not plans:
        reader.problem(
            fields["offer_payment_plan"],
            f"{path}.offer_payment_plan",
            "offers a payment plan, but the policy has no payment_plan section",
        )
    if (
        step_id is None
        or anchor is None
        or days is None
        or tone is None
        or channels is None
        or approval is None
    ):
        return None
    return Step(
        id=step_id,
        anchor=anchor,
        days=days,
        tone=tone,
        channels=channels,
        legal_language=legal,
        approval=approval,
        claim_interest=flags["claim_interest"],
        claim_compensation=flags["claim_compensation"],
        offer_payment_plan=flags["offer_payment_plan"],
        ai_draft=flags["ai_draft"],
    )


def _channels(reader: NodeReader, node: yaml.Node, path: str) -> tuple[Channel, ...] | None:
    items = reader.sequence(node, path)
    if items is None:
        return None
    channels: list[Channel] = []
    for index, item in enumerate(items):
        channel = reader.choice(item, f"{path}[{index}]", Channel)
        if channel is not None and channel in channels:
            reader.problem(item, f"{path}[{index}]", f"{channel.value!r} is listed twice")
        elif channel is not None:
            channels.append(channel)
    return tuple(channels) if len(channels) == len(items) and channels else None


def _approval(reader: NodeReader, node: yaml.Node | None, path: str) -> ApprovalRule | None:
    if node is None:
        return ApprovalRule()
    fields = reader.mapping(node, path, optional=("amount_over", "strategic_accounts", "legal_language"))
    if fields is None:
        return None
    return ApprovalRule(
        amount_over_minor=frozen_map(_amounts(reader, fields, "amount_over", path)),
        strategic_accounts=_bool(reader, fields, "strategic_accounts", path, False),
        legal_language=_bool(reader, fields, "legal_language", path, False),
    )


def _payment_plan(reader: NodeReader, node: yaml.Node, path: str) -> PaymentPlanLimits | None:
    optional = (
        "max_instalments",
        "default_instalments",
        "min_instalment",
        "min_total",
        "first_instalment_days",
        "interval_days",
        "max_duration_days",
        "squeeze",
    )
    fields = reader.mapping(node, path, optional=optional)
    if fields is None:
        return None
    d = PaymentPlanLimits()
    limits = PaymentPlanLimits(
        max_instalments=_int(
            reader, fields, "max_instalments", path, d.max_instalments, minimum=2, maximum=60
        ),
        default_instalments=_int(
            reader, fields, "default_instalments", path, d.default_instalments, minimum=2, maximum=60
        ),
        min_instalment_minor=frozen_map(_amounts(reader, fields, "min_instalment", path)),
        min_total_minor=frozen_map(_amounts(reader, fields, "min_total", path)),
        first_instalment_days=_int(
            reader, fields, "first_instalment_days", path, d.first_instalment_days, maximum=90
        ),
        interval_days=_int(reader, fields, "interval_days", path, d.interval_days, minimum=1, maximum=366),
        max_duration_days=_int(
            reader, fields, "max_duration_days", path, d.max_duration_days, minimum=1, maximum=MAX_DAYS
        ),
        squeeze=_squeeze(reader, fields.get("squeeze"), f"{path}.squeeze"),
    )
    if limits.default_instalments > limits.max_instalments:
        reader.problem(
            fields.get("default_instalments", node),
            f"{path}.default_instalments",
            f"{limits.default_instalments} is more than max_instalments ({limits.max_instalments})",
        )
    last = limits.first_instalment_days + (limits.default_instalments - 1) * limits.interval_days
    if last > limits.max_duration_days:
        reader.problem(
            node,
            f"{path}.max_duration_days",
            f"the default plan's last instalment falls {last} days after the offer, "
            f"beyond max_duration_days ({limits.max_duration_days})",
        )
    return limits


def _squeeze(reader: NodeReader, node: yaml.Node | None, path: str) -> SqueezeRule:
    d = SqueezeRule()
    if node is None:
        return d
    optional = ("lookback_days", "signs_needed", "partial_payments", "delay_growth_days", "broken_promises")
    fields = reader.mapping(node, path, optional=optional) or {}
    return SqueezeRule(
        lookback_days=_int(
            reader, fields, "lookback_days", path, d.lookback_days, minimum=1, maximum=MAX_DAYS
        ),
        signs_needed=_int(reader, fields, "signs_needed", path, d.signs_needed, minimum=1, maximum=3),
        partial_payments=_int(reader, fields, "partial_payments", path, d.partial_payments, minimum=1),
        delay_growth_days=_int(reader, fields, "delay_growth_days", path, d.delay_growth_days, minimum=1),
        broken_promises=_int(reader, fields, "broken_promises", path, d.broken_promises, minimum=1),
    )


def _send_time(reader: NodeReader, node: yaml.Node | None, path: str) -> SendTimeRule:
    d = SendTimeRule()
    if node is None:
        return d
    optional = ("default_hour", "earliest_hour", "latest_hour", "min_events", "holdout_share")
    fields = reader.mapping(node, path, optional=optional) or {}
    rule = SendTimeRule(
        default_hour=_int(reader, fields, "default_hour", path, d.default_hour, maximum=23),
        earliest_hour=_int(reader, fields, "earliest_hour", path, d.earliest_hour, maximum=23),
        latest_hour=_int(reader, fields, "latest_hour", path, d.latest_hour, maximum=23),
        min_events=_int(reader, fields, "min_events", path, d.min_events, minimum=1),
        holdout_share=_share(reader, fields, "holdout_share", path, d.holdout_share),
    )
    if not rule.earliest_hour <= rule.default_hour <= rule.latest_hour:
        reader.problem(
            node,
            path,
            f"default_hour ({rule.default_hour}) must lie between earliest_hour "
            f"({rule.earliest_hour}) and latest_hour ({rule.latest_hour})",
        )
    return rule


def _assignments(
    reader: NodeReader, node: yaml.Node | None, root: yaml.Node, *, names: set[str]
) -> Assignments | None:
    if node is None:
        if len(names) == 1:
            return Assignments(default=next(iter(names)))
        if names:
            reader.problem(root, "assignments", "missing: with several policies, say which is the default")
        return None
    path = "assignments"
    fields = reader.mapping(node, path, required=("default",), optional=("customers", "segments", "entities"))
    if fields is None:
        return None
    default = (
        _policy_name(reader, fields["default"], f"{path}.default", names) if "default" in fields else None
    )
    tables: dict[str, dict[str, str]] = {}
    for table in ("customers", "segments", "entities"):
        entries = reader.mapping(fields[table], f"{path}.{table}") if table in fields else {}
        tables[table] = {}
        for key, value_node in (entries or {}).items():
            where = f"{path}.{table}.{key}"
            if table == "segments" and key not in KNOWN_SEGMENTS:
                reader.problem(
                    value_node, where, f"{key!r} is not a segment ({', '.join(sorted(KNOWN_SEGMENTS))})"
                )
            name = _policy_name(reader, value_node, where, names)
            if name is not None:
                tables[table][key] = name
    if default is None:
        return None
    return Assignments(
        default=default,
        customers=frozen_map(tables["customers"]),
        segments=frozen_map(tables["segments"]),
        entities=frozen_map(tables["entities"]),
    )


def _policy_name(reader: NodeReader, node: yaml.Node, path: str, names: set[str]) -> str | None:
    name = reader.text(node, path)
    if name is not None and name not in names:
        reader.problem(
            node, path, f"no policy named {name!r} (defined: {', '.join(sorted(names)) or 'none'})"
        )
        return None
    return name


def _int(
    reader: NodeReader,
    fields: dict[str, yaml.Node],
    name: str,
    path: str,
    default: int,
    *,
    minimum: int = 0,
    maximum: int | None = None,
) -> int:
    """A field's whole number, or ``default`` when absent or wrong (the problem is recorded)."""
    if name not in fields:
        return default
    value = reader.integer(fields[name], f"{path}.{name}", minimum=minimum, maximum=maximum)
    return default if value is None else value


def _bool(reader: NodeReader, fields: dict[str, yaml.Node], name: str, path: str, default: bool) -> bool:
    if name not in fields:
        return default
    value = reader.boolean(fields[name], f"{path}.{name}")
    return default if value is None else value


def _share(reader: NodeReader, fields: dict[str, yaml.Node], name: str, path: str, default: float) -> float:
    if name not in fields:
        return default
    value = reader.share(fields[name], f"{path}.{name}")
    return default if value is None else value


def _amounts(reader: NodeReader, fields: dict[str, yaml.Node], name: str, path: str) -> dict[str, int]:
    if name not in fields:
        return {}
    return reader.amounts_by_currency(fields[name], f"{path}.{name}") or {}


def _optional_text(reader: NodeReader, fields: dict[str, yaml.Node], name: str, path: str) -> str | None:
    return reader.text(fields[name], f"{path}.{name}") if name in fields else None
