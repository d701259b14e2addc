"""XMail's stored message form, for tests that compare files on disk with what was sent."""


def wire_form(data):
    """CRLF lines, and a line that starts with "." gets one more (RFC 1939 section 3): the form
    XMail and psyncd store a message in, so a POP3 server can send the file as it is."""
    lines = data.split(b"\r\n")
    return b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines)


def stored(messages):
    """What a Maildir holds after `messages` (CRLF) were delivered, sorted like
    MailRoot.delivered()."""
    return sorted(wire_form(m) for m in messages)
