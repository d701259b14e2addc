"""mpop as a test and benchmark client: writes an mpoprc for one account that keeps the
mail on the server, fetches every message (only_new off), adds no Received header and
delivers to its own Maildir, then runs mpop on it.

Does not: check mpop is installed (callers use their own require/skip rule), or compare
what was delivered.

  rc = mpop.write_rc(path, port=110, user="alice", password="secret", maildir=md,
                     uidls_file=uidls, settings="auth user\\ntls off\\n")
  r = mpop.run(rc, "-q")                      # subprocess.CompletedProcess (bytes)
  subprocess.run(mpop.command(rc, "-q", "bench"))   # for callers that time it themselves
"""
import os
import subprocess

MPOP = "mpop"
PLAIN_USER = "auth user\ntls off\n"  # USER/PASS over plain TCP


def write_rc(path, *, port, user, password, maildir, uidls_file, settings=PLAIN_USER,
             account="default", host="127.0.0.1"):
    """Writes the rc file (mode 0600, as mpop demands) and creates maildir/{new,cur,tmp}.
    `settings`: newline-ended lines for TLS and authentication. Returns `path`."""
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    with open(path, "w") as f:
        f.write(f"account {account}\nhost {host}\nport {port}\nuser {user}\n"
                f"password {password}\n{settings}delivery maildir {maildir}\nkeep on\n"
                f"only_new off\nreceived_header off\nuidls_file {uidls_file}\n")
    os.chmod(path, 0o600)
    return path


def command(rc, *args):
    """The argv that runs mpop on `rc` with `args` (flags, account names)."""
    return [MPOP, "-C", rc, *args]


def run(rc, *args, timeout=60, text=False):
    """Runs mpop on `rc`, output captured; never raises on a non-zero exit."""
    return subprocess.run(command(rc, *args), capture_output=True, timeout=timeout, text=text)
