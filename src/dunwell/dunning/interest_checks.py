"""Checks a person should see before relying on payment terms or a dunning policy (RULES.md EU-5,
EU-6, UK-3, UK-4, DE-4, FR-1): warnings with the rule they come from, never a refusal, because
whether a term is "grossly unfair" is a judgement the engine cannot make.

The limits come from the jurisdiction table, not from code (EU-7: the pending Late Payment
Regulation may change them).
"""

from __future__ import annotations

from dataclasses import dataclass

from dunwell.dunning.jurisdictions import JurisdictionRule


@dataclass(frozen=True, slots=True)
class RuleWarning:
    rule_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} ({self.rule_id})"


def payment_term_warnings(
    rule: JurisdictionRule,
    agreed_term_days: int | None,
    *,
    public_authority: bool,
    expressly_agreed: bool,
    end_of_month: bool = False,
) -> tuple[RuleWarning, ...]:
    """Warnings on agreed payment terms of ``agreed_term_days`` (None: no term agreed, so the
    statutory default applies and there is nothing to warn about).

    ``expressly_agreed`` is whether both parties agreed the term in the contract, as opposed to a term
    in the debtor's purchase conditions: a term the debtor imposes alone is unlawful however it reads
    (CJEU C-677/22). ``end_of_month`` marks "N days end of month" terms where the law limits them
    separately (FR: 45 days end of month).
    """
    if agreed_term_days is None:
        return ()
    rule_id = rule.rule_ids.terms
    if public_authority:
        return _public_authority_warnings(rule, agreed_term_days)
    limit = rule.max_term_days
    kind = "days"
    if end_of_month and rule.max_term_days_end_of_month is not None:
        limit, kind = rule.max_term_days_end_of_month, "days end of month"
    if agreed_term_days <= limit:
        return ()
    if not rule.max_term_extendable_by_agreement:
        return (
            RuleWarning(
                rule_id,
                f"terms of {agreed_term_days} {kind} exceed the maximum of {limit} {kind} under "
                f"{rule.name}, which no agreement can extend",
            ),
        )
    if not expressly_agreed:
        return (
            RuleWarning(
                rule_id,
                f"terms over {limit} {kind} must be expressly agreed and not grossly unfair; these "
                f"{agreed_term_days} {kind} are not expressly agreed, so the statutory limit applies",
            ),
        )
    return (
        RuleWarning(
            rule_id,
            f"terms over {limit} {kind} must be expressly agreed and not grossly unfair; these "
            f"{agreed_term_days} {kind} are expressly agreed: check they are not grossly unfair to you",
        ),
    )


def _public_authority_warnings(rule: JurisdictionRule, agreed_term_days: int) -> tuple[RuleWarning, ...]:
    rule_id = rule.rule_ids.terms
    if agreed_term_days > rule.public_authority_max_term_days:
        return (
            RuleWarning(
                rule_id,
                f"terms of {agreed_term_days} days exceed the {rule.public_authority_max_term_days}-day "
                f"maximum for a public-authority debtor, which no agreement or justification extends",
            ),
        )
    if agreed_term_days > rule.public_authority_term_days:
        return (
            RuleWarning(
                rule_id,
                f"a public authority's terms over {rule.public_authority_term_days} days need an "
                f"objective justification and express agreement",
            ),
        )
    return ()


def policy_claim_warnings(
    rule: JurisdictionRule, *, claims_interest: bool, claims_compensation: bool
) -> tuple[RuleWarning, ...]:
    """EU-6: a policy that gives up statutory interest or the fixed sum should be a decision, not a
    default; excluding interest in a contract is grossly unfair, excluding the compensation is
    presumed so (in the UK, only a substantial contractual remedy displaces them, UK-4)."""
    rule_id = rule.rule_ids.unfair_terms
    warnings = []
    if not claims_interest:
        warnings.append(
            RuleWarning(
                rule_id,
                f"the policy claims no late-payment interest although {rule.name} grants it without "
                f"a reminder; a term excluding it is grossly unfair",
            )
        )
    if not claims_compensation:
        warnings.append(
            RuleWarning(
                rule_id,
                f"the policy claims no fixed compensation although {rule.name} grants it per late "
                f"invoice; a term excluding it is presumed grossly unfair",
            )
        )
    return tuple(warnings)
