"""Shared by the test scripts: addresses in our string form, the key from the environment."""
import os
import sys


def address_of(text):
    if text.startswith("unix:"):
        return text[5:]
    host, _, port = text[4:].rpartition(":")
    return (host.strip("[]"), int(port))


def authkey():
    return os.environ["MANAGER_AUTHKEY"].encode()


def check(name, cond):
    if not cond:
        print(f"FAIL {name}", flush=True)
        sys.exit(1)
    print(f"ok {name}", flush=True)
