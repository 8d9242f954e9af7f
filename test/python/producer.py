"""Puts COUNT items (0 .. COUNT-1) into the queue whose id is given, through stock proxies.

Usage: python3 producer.py ADDRESS COUNT
"""
import sys
from multiprocessing.managers import BaseManager

from common import address_of, authkey


class QueueManager(BaseManager):
    pass


QueueManager.register("get_queue")
m = QueueManager(address=address_of(sys.argv[1]), authkey=authkey())
m.connect()
queue = m.get_queue()
for i in range(int(sys.argv[2])):
    queue.put(i)
print("done", flush=True)
