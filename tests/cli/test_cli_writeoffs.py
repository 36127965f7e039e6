"""`dunwell invoices write-off` and `dunwell writeoffs`: propose, policy, four eyes, reverse; the
metrics see it as of its day."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from cli_inputs import INVOICES_CSV


def _json(result: Result) -> dict:  # type: ignore[type-arg]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_bad_debt_is_proposed_approved_by_another_person_and_reversed(
    sqlite_url: str, cli: Callable[..., Result], write_file: Callable[..., Path]
) -> None:
    path = write_file("invoices.csv", INVOICES_CSV)
    assert cli("import", "invoices", path, "--as-of", "2024-03-01", "--by", "ann").exit_code == 0

    proposed = _json(
        cli("invoices", "write-off", "INV-1", "--reason", "bad_debt", "--on", "2024-03-15",
            "--note", "insolvent", "--by", "ann", "--json")
    )  # fmt: skip
    assert (proposed["status"], proposed["amount"], proposed["kind"]) == ("proposed", "100.00", "write_off")

    own = cli("writeoffs", "approve", proposed["id"], "--by", "ann", "--json")
    assert own.exit_code == 6  # forbidden: nobody approves their own request
    assert json.loads(own.stdout)["error"]["code"] == "own_write_off"

    posted = _json(cli("writeoffs", "approve", proposed["id"], "--by", "cfo", "--json"))
    assert (posted["status"], posted["decided_by"]) == ("posted", "cfo")
    # 100.00 of bad debt against the 325.50 billed in the 90 days to 2024-03-31 (INV-1 is older).
    metrics = _json(cli("metrics", "--as-of", "2024-03-31", "--json"))
    assert (metrics["total_ar"], metrics["bad_debt_ratio"]) == ("100.00", 30.72)
    before = _json(cli("metrics", "--as-of", "2024-03-14", "--json"))
    assert (before["total_ar"], before["bad_debt_ratio"]) == ("200.00", 0.0)
    listed = _json(cli("writeoffs", "list", "--status", "posted", "--json"))
    assert [w["id"] for w in listed["write_offs"]] == [proposed["id"]]

    reversed_ = _json(cli("writeoffs", "reverse", proposed["id"], "--reason", "paid after all", "--by", "cfo",
                          "--json"))  # fmt: skip
    assert reversed_["status"] == "reversed"
    again = _json(cli("metrics", "--as-of", "2024-03-31", "--json"))
    assert (again["total_ar"], again["bad_debt_ratio"]) == ("200.00", 0.0)


def test_a_small_amount_within_policy_posts_at_once_and_bad_input_is_refused(
    sqlite_url: str, cli: Callable[..., Result], write_file: Callable[..., Path]
) -> None:
    cli(
        "import", "invoices", write_file("invoices.csv", INVOICES_CSV), "--as-of", "2024-03-01", "--by", "ann"
    )

    small = _json(
        cli("invoices", "write-off", "INV-2", "--reason", "bank_fee", "--amount", "1.50",
            "--on", "2024-03-02", "--by", "ann", "--json")
    )  # fmt: skip
    assert (small["status"], small["decided_by"]) == ("posted", "ann")

    unknown = cli("invoices", "write-off", "INV-2", "--reason", "fee", "--by", "ann")
    assert unknown.exit_code == 2
    assert "--reason must be one of bank_fee" in unknown.stderr
    missing = cli("invoices", "write-off", "NOPE", "--reason", "other", "--by", "ann", "--json")
    assert (missing.exit_code, json.loads(missing.stdout)["error"]["code"]) == (4, "invoice_not_found")
    too_much = cli("invoices", "write-off", "INV-2", "--reason", "other", "--amount", "500", "--by", "ann")
    assert too_much.exit_code == 5
    assert "cannot write off" in too_much.stderr
