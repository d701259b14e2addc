#!/usr/bin/env python3
"""The guide's walk-through, run as written: docs/admin-guide.md "From nothing to a working
MAIL_ROOT" holds indented blocks of `$ command` lines, each followed by its expected output
(`...` alone skips any lines, a line ending in `...` matches lines that start with the rest,
`[exit N]` is the expected exit status, 0 when absent). This test reads them, runs each
command with the built psyncctl / psyncd against a fresh MAIL_ROOT and a real Dovecot standing
in for pop.example.net (pop.example.net:110 -> 127.0.0.1:its POP3 port, :995 -> its POP3S port,
/var/MailRoot -> a temp dir), and compares: stdout and stderr for psyncctl, stdout for psyncd
(its log goes to stderr). After every psyncctl command `psyncd --check` must print nothing.
At the end the mail of every link must be in the right Maildir, and psyncd's POP3 server
must log alice in with the password psyncctl stored and serve her three messages.
Exit 0 pass, 1 fail, 77 skip (dovecot missing; CI=true: FAIL)."""
import os
import poplib
import re
import shlex
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402

GUIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                     "admin-guide.md")
SECTION = "## From nothing to a working MAIL_ROOT"


def fail(what, extra=""):
    print(f"FAIL: {what}\n{extra}", file=sys.stderr)
    sys.exit(1)


def steps_from_guide():
    """[(command line, [expected output lines], exit status)] in the order written."""
    text = open(GUIDE, encoding="utf-8").read()
    start = text.find("\n" + SECTION + "\n")
    if start < 0:
        fail(f"docs/admin-guide.md has no section {SECTION!r}")
    end = text.find("\n## ", start + 1)
    steps = []
    for line in text[start:end if end > 0 else len(text)].splitlines():
        if not line.startswith("    "):
            continue
        line = line[4:]
        if line.startswith("$ "):
            steps.append([line[2:], [], 0])
        elif steps:
            m = re.fullmatch(r"\[exit (\d+)\]", line)
            if m:
                steps[-1][2] = int(m.group(1))
            else:
                steps[-1][1].append(line)
    if len(steps) < 10:
        fail("the walk-through has fewer than 10 commands", repr(steps))
    return steps


def matches(expected, actual):
    """True when the actual lines fit the expected ones (with ... wildcards)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "...":
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    ok = actual[0].startswith(head[:-3]) if head.endswith("...") else actual[0] == head
    return ok and matches(rest, actual[1:])


class Walk:
    def __init__(self, tmp, dv):
        self.root = os.path.join(tmp, "MailRoot")
        self.build = os.environ.get("PSYNCD_BINARY_DIR", "")
        self.real = {"pop.example.net:995": f"127.0.0.1:{dv.pop3s_port}",
                     "pop.example.net:110": f"127.0.0.1:{dv.pop3_port}",
                     "/var/MailRoot": self.root}

    def to_real(self, text):
        for doc, real in self.real.items():
            text = text.replace(doc, real)
        return text

    def to_doc(self, text):
        for doc, real in reversed(list(self.real.items())):
            text = text.replace(real, doc)
        return text

    def binary(self, name):
        path = os.path.join(self.build, "app", name)
        if not os.path.exists(path):
            fail(f"{path} is not built (PSYNCD_BINARY_DIR={self.build!r})")
        return path

    def run(self, argv):
        return subprocess.run([self.binary(argv[0])] + argv[1:], capture_output=True,
                              text=True, timeout=120, stdin=subprocess.DEVNULL)

    def step(self, command, expected, status):
        argv = [self.to_real(a) for a in shlex.split(command)]
        if argv[0] not in ("psyncctl", "psyncd"):
            fail(f"the walk-through runs {argv[0]}, not a documented command", command)
        r = self.run(argv)
        shown = r.stdout + (r.stderr if argv[0] == "psyncctl" else "")
        actual = self.to_doc(shown).splitlines()
        if r.returncode != status or not matches(expected, actual):
            fail(f"`{command}`: exit {r.returncode} (want {status}), output differs from the "
                 "guide", "got:\n" + "\n".join(actual) + "\nwant:\n" + "\n".join(expected) +
                 "\nstderr:\n" + r.stderr)
        if argv[0] == "psyncctl":
            c = self.run(["psyncd", "-Ms", self.root, "--check"])
            if c.returncode != 0 or c.stdout or c.stderr:
                fail(f"psyncd --check is not clean after `{command}`", c.stdout + c.stderr)

    def serve_and_read(self, user, password, messages):
        """The guide's last sentence: the service serves the accounts psyncctl made, so a POP3
        client logs in with the local password and finds the fetched mail."""
        port = dovecot.free_port()
        p = subprocess.Popen([self.binary("psyncd"), "-Ms", self.root, "-Y-", "-B-", "-PI",
                              "127.0.0.1", "-Pp", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    pop = poplib.POP3("127.0.0.1", port, timeout=30)
                    break
                except OSError:
                    if time.monotonic() > deadline or p.poll() is not None:
                        fail("psyncd's POP3 server did not start", p.stderr.read()
                             if p.poll() is not None else "")
                    time.sleep(0.1)
            pop.user(user)
            pop.pass_(password)
            count = pop.stat()[0]
            pop.quit()
            if count != messages:
                fail(f"POP3 {user}: {count} messages, want {messages}")
        finally:
            p.terminate()
            p.wait(timeout=30)

    def count(self, domain, account):
        md = os.path.join(self.root, "domains", domain, account, "Maildir")
        return sum(len(os.listdir(os.path.join(md, s))) for s in ("new", "cur"))


def message(i, to):
    return (f"From: someone@example.org\r\nTo: {to}\r\nSubject: walk-through {i}\r\n"
            f"Message-ID: <walk{i}@example.org>\r\n\r\nmessage {i}\r\n").encode()


def main():
    dovecot.require_or_skip()
    steps = steps_from_guide()
    remote = {
        "ra": ("ra-secret", [message(1, "alice@example.com"), message(2, "alice@example.com")]),
        "rb": ("rb-secret", [message(3, "bob@example.com")]),
        "rc": ("rc-secret", [message(4, "carol@example.org")]),
        "team": ("team-secret", [message(5, "alice@example.net"), message(6, "bob@example.net")]),
    }
    with tempfile.TemporaryDirectory(prefix="psyncd-walk-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), remote) as dv:
            walk = Walk(tmp, dv)
            for command, expected, status in steps:
                walk.step(command, expected, status)
            want = {("example.com", "alice"): 3, ("example.com", "bob"): 2,
                    ("example.org", "carol"): 1}
            got = {k: walk.count(*k) for k in want}
            if got != want:
                fail("each link's mail is in its mailbox", f"got {got}, want {want}")
            walk.serve_and_read("alice", "alice-local", 3)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
