"""Test harness for psyncd integration tests: a private Dovecot and helpers."""
