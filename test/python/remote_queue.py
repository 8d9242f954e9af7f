"""CPython's remote-manager pattern: register('get_queue') with no callable, connect(), use the server's queue.

Usage: python3 remote_queue.py ADDRESS put|get [SERIALIZER]
"""
import sys
from multiprocessing.managers import BaseManager

from common import address_of, authkey, check


class QueueManager(BaseManager):
    pass


QueueManager.register("get_queue")
serializer = sys.argv[3] if len(sys.argv) > 3 else "pickle"
m = QueueManager(address=address_of(sys.argv[1]), authkey=authkey(), serializer=serializer)
m.connect()
queue = m.get_queue()
values = ["hello world", None, True, 2.25, "hallå världen", "привіт світ", b"hall\xe5 v\xe4rlden"]
if sys.argv[2] == "put":
    queue.put(tuple(values))
    print("put", flush=True)
else:
    got = queue.get(timeout=10)
    expected = values if serializer == "xmlrpclib" else tuple(values)
    check("queue value", got == expected)
    if serializer == "xmlrpclib":
        try:
            queue.put(print)
            check("unmarshallable argument refused", False)
        except Exception:
            check("unmarshallable argument refused", True)
    del queue
    print("done", flush=True)
