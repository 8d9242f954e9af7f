"""A stock CPython manager server for the tests of our client.

Usage: python3 server.py ADDRESS   (authkey in MANAGER_AUTHKEY, plain text)
Prints 'listening ADDRESS' once it serves, with the real port.
"""
import os
import queue
import sys
from multiprocessing.managers import SyncManager


class Counter:
    def __init__(self, start=0):
        self.n = start

    def increment(self, by=1):
        self.n += by
        return self.n

    def fail(self):
        raise ValueError("counter failure")


_queue = queue.Queue()


def get_queue():
    return _queue


class TestManager(SyncManager):
    pass


TestManager.register("Counter", Counter)
TestManager.register("get_queue", callable=get_queue)


def address_of(text):
    if text.startswith("unix:"):
        return text[5:]
    host, _, port = text[4:].rpartition(":")
    return (host.strip("[]"), int(port))


def format_address(address):
    return f"unix:{address}" if isinstance(address, str) else f"tcp:{address[0]}:{address[1]}"


manager = TestManager(address=address_of(sys.argv[1]), authkey=os.environ["MANAGER_AUTHKEY"].encode())
server = manager.get_server()
print(f"listening {format_address(server.address)}", flush=True)
server.serve_forever()
