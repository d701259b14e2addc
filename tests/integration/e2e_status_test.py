#!/usr/bin/env python3
"""--status and --once against a real Dovecot. The psyncd daemon (-Yi 0, server.tab
PsyncFailedAccountDelay 600) runs a cycle over two links: u1 fetches its mail, u2 has a wrong
password. `psyncd --status` must then show u1's exact counts (last run and total) and no delay,
and u2 as "FAIL (auth)" with a 600 s failure delay and what to do; after a triggered second cycle u1's last
run and total counts move on while u2, held back by its delay, keeps its result and its one
failure; the daemon's log names the failing link, its step and what to do. Then
`psyncd --once` on a pseudo-terminal shows the live progress line (\\r + erase) and every
link's result with the "what to do" hint and the totals; through a pipe it prints
no control characters. Exit 0 pass, 1 fail, 77 skip (dovecot missing; CI=true: FAIL)."""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import (MailRoot, add_remote_messages, check, psyncd_bin,  # noqa: E402
                            wait_for)


def status(root):
    r = subprocess.run([psyncd_bin(), "--status", "-Ms", root], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 0, f"--status exit {r.returncode}", r.stderr)
    return r.stdout


def status_rows(path):
    """Link lines of status.tab (comments skipped), or [] when it does not exist yet."""
    try:
        with open(path) as f:
            return [ln for ln in f if ln.strip() and not ln.startswith("#")]
    except FileNotFoundError:
        return []


def line_of(text, who):
    for ln in text.splitlines():
        if ln.startswith(who + ": "):
            return ln
    check(False, f"--status has a line for {who}", text)
    return ""


def once_on_pty(root):
    """psyncd --once with stdout on a pseudo-terminal; returns (exit status, output)."""
    master, slave = os.openpty()
    p = subprocess.Popen([psyncd_bin(), "-Ms", root, "--once", "-P-", "-B-"], stdout=slave,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out.decode()


def main():
    dovecot.require_or_skip()
    first = [dovecot.make_message(i, 1500, subject=f"first {i}") for i in range(5)]
    with tempfile.TemporaryDirectory(prefix="psyncd-status-") as tmp:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), {"u1": ("pw1", first),
                                                     "u2": ("pw2", [dovecot.make_message(9, 500)])})
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), ["u1", "u2"],
                          server_vars={"PsyncFailedAccountDelay": "600"})
            server = f"127.0.0.1:{d.pop3_port}"
            mr.set_links([("ex.test", "u1", server, "u1", "pw1", ""),
                          ("ex.test", "u2", server, "u2", "wrong", "")])
            u1, u2 = f"u1@{server} -> u1@ex.test", f"u2@{server} -> u2@ex.test"
            status_tab = os.path.join(mr.path, "psyncd", "status.tab")
            log_path = os.path.join(tmp, "psyncd.log")
            log = open(log_path, "w")
            p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "-Yi", "0", "-P-", "-B-"],
                                 stdout=log, stderr=log)
            try:
                check(wait_for(lambda: len(status_rows(status_tab)) == 2),
                      "status.tab has both links after the first cycle", open(log_path).read())
                size1 = sum(len(m) for m in first)
                text = status(mr.path)
                check(re.search(rf"^{re.escape(u1)}: last ok at [^;]+ UTC; 5 msgs {size1} bytes "
                                rf"\(total 5 msgs {size1} bytes\); next poll on "
                                r"\.psync-trigger only; failure delay: none$",
                                line_of(text, u1)), "u1: ok, exact counts, no delay", text)
                check(re.search(r": last FAIL \(auth\): .* 0 msgs 0 bytes \(total 0 msgs 0 "
                                r"bytes\); next poll on \.psync-trigger only; failure delay: 600 s, "
                                r"until [^;]+ UTC \(1 failure\(s\) in a row\); what to do: check "
                                r"the remote user \(field 4\) and the password", line_of(text, u2)),
                      "u2: FAIL at auth with its 600 s failure delay and what to do", text)
                # The machine form: one JSON document (docs/admin-guide.md "--status --json").
                r = subprocess.run([psyncd_bin(), "--status", "--json", "-Ms", mr.path],
                                   capture_output=True, text=True, timeout=30)
                check(r.returncode == 0, f"--status --json exit {r.returncode}", r.stderr)
                doc = json.loads(r.stdout)
                check(doc["version"] == 1 and isinstance(doc["now"], int), "version and now",
                      r.stdout)
                by = {link["link"]: link for link in doc["links"]}
                check(set(by) == {u1, u2}, "both links, by label", r.stdout)
                check(by[u1]["outcome"] == "ok" and by[u1]["msgs"] == 5 and
                      by[u1]["bytes"] == size1 and by[u1]["next_poll"] is None and
                      by[u1]["delay"] == 0 and by[u1]["advice"] == "", "u1 as numbers", r.stdout)
                check(by[u2]["outcome"] == "failed" and by[u2]["delay"] == 600 and
                      by[u2]["failures"] == 1 and by[u2]["result"].startswith("FAIL (auth)") and
                      by[u2]["reply"].startswith("-ERR") and
                      by[u2]["advice"].startswith("check the remote user"), "u2 failed",
                      r.stdout)
                check([link["link"] for link in doc["links"]] == [u1, u2],
                      "in pop3links.tab order", r.stdout)
                hinted = re.compile(rf"psync: {re.escape(u2)}: FAIL \(auth\): .*; what to do: "
                                    r"check the remote user")
                check(wait_for(lambda: hinted.search(open(log_path).read())),
                      "the daemon log names the link, the step and what to do",
                      open(log_path).read())

                second = [dovecot.make_message(20 + i, 900, subject=f"second {i}") for i in range(2)]
                add_remote_messages(d, "u1", second)
                before = open(status_tab).read()
                with open(os.path.join(mr.path, ".psync-trigger"), "w") as f:
                    f.write("go")
                check(wait_for(lambda: len(mr.delivered("u1")) == 7 and
                               open(status_tab).read() != before and
                               "2 msgs" in line_of(status(mr.path), u1)),
                      "the triggered cycle fetched the new mail", open(log_path).read())
                size2 = sum(len(m) for m in second)
                text = status(mr.path)
                check(f"; 2 msgs {size2} bytes (total 7 msgs {size1 + size2} bytes); "
                      in line_of(text, u1), "u1: last run and total counts", text)
                check("(1 failure(s) in a row)" in line_of(text, u2) and
                      ": last FAIL (auth): " in line_of(text, u2),
                      "u2: held back by its delay, not counted as a new failure", text)
            finally:
                p.send_signal(signal.SIGTERM)
                rc = p.wait(timeout=30)
            check(rc == 0, f"daemon exit {rc}", open(log_path).read())

            third = [dovecot.make_message(40 + i, 2000, subject=f"third {i}") for i in range(3)]
            add_remote_messages(d, "u1", third)
            rc, out = once_on_pty(mr.path)
            check(rc == 75, f"--once exit {rc} (u2 fails: EX_TEMPFAIL)", out)
            steps = "lock|connect|auth|store|list|retrieve|dele|quit"
            check(re.search(rf"\r\x1b\[K\[[012]/2\] u[12]@[^\r\n]*: ({steps}): \d+ msgs?, \d+ ",
                            out),
                  "--once on a terminal draws the live line", repr(out))
            if os.environ.get("PSYNCD_SHOW"):
                print(repr(out))
            size3 = sum(len(m) for m in third)
            plain = re.sub(r"\r\x1b\[K", "\n", out).replace("\r\n", "\n")
            check(re.search(rf"^{re.escape(u1)}: ok: 3 msgs {size3} bytes", plain, re.M),
                  "--once: u1's result line", repr(out))
            check(re.search(rf"^{re.escape(u2)}: FAIL \(auth\): .*\n    what to do: check the "
                            r"remote user \(field 4\) and the password", plain, re.M),
                  "--once: u2 names the step and says what to do", repr(out))
            check(f"psyncd --once: 2 links: 1 ok, 0 held, 1 failed, 0 not run; 3 msgs {size3} bytes"
                  in plain, "--once: the totals line", repr(out))
            piped = mr.run()
            check("\r" not in piped.stdout and "\x1b" not in piped.stdout and
                  piped.stdout.endswith("psyncd --once: 2 links: 1 ok, 0 held, 1 failed, 0 not run; "
                                        "0 msgs 0 bytes\n"),
                  "--once through a pipe: plain lines only", repr(piped.stdout))
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
