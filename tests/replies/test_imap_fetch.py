"""`dunwell replies fetch` against a real IMAP server: Debian's Dovecot, started here on a free
loopback port from a throwaway folder (the config of STACK.md), filled with replies by APPEND, then
fetched into .eml files that `dunwell replies classify` reads.

Without /usr/sbin/dovecot the tests skip, except under CI (``CI`` set), where they fail: `.ci/run`
installs the package, so a missing server there is a broken CI, not an optional extra."""

from __future__ import annotations

import imaplib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dunwell.cli.app import app

DOVECOT = Path("/usr/sbin/dovecot")
PASSWORD = "s3cret-imap-pw"
USER = "ar@example.test"

# (file-independent key, language, body, expected intent): short replies in English and German.
REPLIES = (
    ("promise", "en", "Hi, we will pay INV-2027-041 next Friday.\n\nBest regards\nJohn", "promise_to_pay"),
    ("dispute", "en", "The price on INV-1234 is wrong, we were quoted 10% less.", "dispute"),
    ("stop", "en", "Please unsubscribe me from these emails.", "unsubscribe"),
    ("paid", "de", "Wir haben die Rechnung RE-2027-5 bereits am 5. März überwiesen.", "already_paid"),
    ("away", "de", "Ich bin bis zum 21.03. nicht im Büro und lese keine E-Mails.", "out_of_office"),
)


@dataclass(frozen=True)
class Dovecot:
    port: int
    base: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(base: Path, port: int) -> str:
    # As root Dovecot must drop to its own users (imap-login refuses root); as another user it can
    # only run as that user.
    if os.geteuid() == 0:
        mail_user, group, internal, login = "nobody", "nogroup", "dovecot", "dovenull"
    else:
        me = pwd.getpwuid(os.geteuid()).pw_name
        mail_user, group, internal, login = me, str(os.getegid()), me, me
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A failed login is answered at once (default 2 s): the wrong-password test need not wait.
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={group} home={base}/mail/%u
}}
mail_location = maildir:{base}/mail/%u/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
default_internal_user = {internal}
default_login_user = {login}
"""


def _wait_for_greeting(port: int, base: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds  # generous: CI shares two cores with the whole suite
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                if conn.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.1)
    log = (base / "dovecot.log").read_text(errors="replace") if (base / "dovecot.log").exists() else ""
    pytest.fail(f"Dovecot did not answer on 127.0.0.1:{port} within {seconds:.0f} s; its log:\n{log}")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[Dovecot]:
    if not DOVECOT.is_file():
        message = f"{DOVECOT} missing: apt-get install dovecot-imapd (Debian's package) to run the IMAP tests"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; under CI it is required (.ci/run installs it)")
        pytest.skip(message)
    # Not under pytest's tmp_path: its parent is 0700, and the mail processes (user nobody) must
    # reach BASE/mail.
    base = Path(tempfile.mkdtemp(prefix="dunwell-dovecot-"))
    base.chmod(0o755)
    (base / "mail").mkdir()
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(base / "mail", nobody.pw_uid, nobody.pw_gid)
    port = _free_port()
    config = base / "dovecot.conf"
    config.write_text(_config(base, port), encoding="utf-8")
    # The master daemonises and its children would keep captured pipes open (run() would never
    # return): its output goes to a file instead.
    with (base / "start.log").open("wb") as start_log:
        started = subprocess.run(
            [str(DOVECOT), "-c", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=start_log,
            stderr=subprocess.STDOUT,
            timeout=60,
            check=False,
        )
    if started.returncode != 0:
        output = (base / "start.log").read_text(errors="replace").strip()
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"dovecot -c {config} failed: {output}")
    try:
        _wait_for_greeting(port, base)
        yield Dovecot(port, base)
    finally:
        pid_file = base / "run" / "master.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGTERM)
            for _ in range(100):  # the master takes its children down; wait so the folder can go
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
        shutil.rmtree(base, ignore_errors=True)


def _reply(key: str, language: str, body: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{key}@customer.example"
    message["To"] = USER
    message["Subject"] = "Re: Zahlungserinnerung" if language == "de" else "Re: Payment reminder"
    message["Date"] = "Wed, 10 Mar 2027 09:30:00 +0000"
    message["Message-ID"] = f"<{key}@customer.example>"
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture(scope="module")
def mailbox(dovecot: Dovecot) -> str:
    """A mailbox of its own (the module's tests share the server), filled with REPLIES."""
    name = "Replies"
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    try:
        imap.login(USER, PASSWORD)
        assert imap.create(name)[0] == "OK"
        for key, language, body, _ in REPLIES:
            status, _data = imap.append(
                name, "", imaplib.Time2Internaldate(time.time()), _reply(key, language, body)
            )
            assert status == "OK"
    finally:
        imap.logout()
    return name


def run(*args: object, password: str = PASSWORD) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"DUNWELL_IMAP_PASSWORD": password})


def fetch(port: int, out: Path, *extra: object, password: str = PASSWORD) -> Result:
    args = ("replies", "fetch", "--host", "127.0.0.1", "--port", port, "--user", USER, "--no-tls")
    return run(*args, "--out", out, *extra, password=password)


def test_fetch_writes_each_message_once_and_classify_reads_them(
    dovecot: Dovecot, mailbox: str, tmp_path: Path
) -> None:
    out = tmp_path / "replies"
    first = fetch(dovecot.port, out, "--mailbox", mailbox, "--json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["mailbox"] == mailbox
    assert summary["out"] == str(out)
    assert (summary["found"], summary["written"], summary["already_there"]) == (5, 5, 0)
    uidvalidity = summary["uidvalidity"]
    assert sorted(p.name for p in out.iterdir()) == [f"{uidvalidity}-{uid}.eml" for uid in range(1, 6)]

    again = fetch(dovecot.port, out, "--mailbox", mailbox, "--json")
    assert again.exit_code == 0, again.output
    assert (json.loads(again.stdout)["written"], json.loads(again.stdout)["already_there"]) == (0, 5)
    said = fetch(dovecot.port, out, "--mailbox", mailbox)
    assert said.exit_code == 0
    assert "nothing new (5 already there)" in said.stdout

    classified = run("replies", "classify", out, "--json")
    assert classified.exit_code == 0, classified.output
    by_id = {record["message_id"]: record["intent"] for record in json.loads(classified.stdout)}
    assert by_id == {f"<{key}@customer.example>": intent for key, _, _, intent in REPLIES}


def test_fetching_marks_nothing_as_read(dovecot: Dovecot, mailbox: str, tmp_path: Path) -> None:
    assert fetch(dovecot.port, tmp_path / "out", "--mailbox", mailbox).exit_code == 0
    imap = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    try:
        imap.login(USER, PASSWORD)
        imap.select(mailbox, readonly=True)
        status, data = imap.uid("SEARCH", "SEEN")
    finally:
        imap.logout()
    assert status == "OK"
    assert data[0] == b""


def test_a_run_that_stopped_half_way_is_completed_and_keeps_what_it_wrote(
    dovecot: Dovecot, mailbox: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert fetch(dovecot.port, out, "--mailbox", mailbox).exit_code == 0
    kept = sorted(out.iterdir())
    kept_bytes = {p.name: p.read_bytes() for p in kept[:2]}
    for lost in kept[2:]:
        lost.unlink()
    (out / f".{kept[2].name}.x1y2.part").write_bytes(b"Subject: half a mess")  # a crash's leftover
    result = fetch(dovecot.port, out, "--mailbox", mailbox, "--json")
    assert result.exit_code == 0, result.output
    assert (json.loads(result.stdout)["written"], json.loads(result.stdout)["already_there"]) == (3, 2)
    assert {p.name: p.read_bytes() for p in sorted(out.glob("*.eml"))[:2]} == kept_bytes


def test_since_filters_by_the_day_received(dovecot: Dovecot, mailbox: str, tmp_path: Path) -> None:
    result = fetch(dovecot.port, tmp_path / "later", "--mailbox", mailbox, "--since", "2099-01-01", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["found"] == 0


def test_a_missing_mailbox_and_a_closed_port_are_clear_errors(dovecot: Dovecot, tmp_path: Path) -> None:
    missing = fetch(dovecot.port, tmp_path / "out", "--mailbox", "No such folder")
    assert missing.exit_code == 4
    assert "mailbox 'No such folder' cannot be opened" in missing.stderr
    closed = fetch(_free_port(), tmp_path / "out")
    assert closed.exit_code == 1
    assert "cannot connect to 127.0.0.1:" in closed.stderr
    assert "Traceback" not in missing.output + closed.output


def test_no_tls_is_refused_for_a_host_that_is_not_this_machine(tmp_path: Path) -> None:
    result = run(
        "replies", "fetch", "--host", "imap.example.com", "--user", USER, "--no-tls", "--out", tmp_path
    )
    assert result.exit_code == 2
    assert "clear text" in result.stderr
    assert "127.0.0.1" in result.stderr
    unset = run("replies", "fetch", "--host", "127.0.0.1", "--user", USER, "--out", tmp_path, password="")
    assert unset.exit_code == 2
    assert "DUNWELL_IMAP_PASSWORD" in unset.stderr


# Last: Dovecot slows further logins from an address that failed one (anvil's auth penalty).
def test_a_wrong_password_is_one_clean_line_without_the_password(dovecot: Dovecot, tmp_path: Path) -> None:
    wrong = "not-the-password-42"
    result = fetch(dovecot.port, tmp_path / "out", password=wrong)
    assert result.exit_code == 1
    assert "login as 'ar@example.test'" in result.stderr
    assert "failed" in result.stderr
    assert "Traceback" not in result.output
    assert wrong not in result.output
    assert PASSWORD not in result.output
    as_json = fetch(dovecot.port, tmp_path / "out", "--json", password=wrong)
    assert json.loads(as_json.stdout)["error"]["code"] == "imap_login"
    assert wrong not in as_json.stdout
