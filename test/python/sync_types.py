"""Stock CPython multiprocessing.managers code against an effect-managers server.

Usage: python3 sync_types.py ADDRESS   (authkey in MANAGER_AUTHKEY, plain text)
Prints one line per check; exits non-zero on the first failure.
"""
import os
import queue
import sys
import threading
from multiprocessing import current_process
from multiprocessing.managers import BaseManager, RemoteError, SyncManager


def address_of(text):
    if text.startswith("unix:"):
        return text[5:]
    host, _, port = text[4:].rpartition(":")
    return (host.strip("[]"), int(port))


address = address_of(sys.argv[1])
authkey = os.environ["MANAGER_AUTHKEY"].encode()
# Nested proxies incref with the process's own key (cpython#139801): give it the manager's.
current_process().authkey = authkey

m = SyncManager(address=address, authkey=authkey)
m.connect()


def check(name, cond):
    if not cond:
        print(f"FAIL {name}", flush=True)
        sys.exit(1)
    print(f"ok {name}", flush=True)


# dict
d = m.dict()
for i in range(65, 70):
    d[i] = chr(i)
check("dict copy", d.copy() == {65: "A", 66: "B", 67: "C", 68: "D", 69: "E"})
check("dict keys", sorted(d.keys()) == [65, 66, 67, 68, 69])
check("dict items", sorted(d.items()) == [(65, "A"), (66, "B"), (67, "C"), (68, "D"), (69, "E")])
check("dict iter", list(iter(d)) == [65, 66, 67, 68, 69])
try:
    d["missing"]
    check("KeyError", False)
except KeyError as e:
    check("KeyError", e.args == ("missing",))
check("dict get default", d.get("missing", 7) == 7)
d2 = m.dict(a=1, b=2.0, c=(1, 2), e=b"bytes", f=None, g=[1, [2]], h={1: "x", (1, 2): "t"})
check("dict kwargs and types", d2.copy() == {"a": 1, "b": 2.0, "c": (1, 2), "e": b"bytes", "f": None, "g": [1, [2]], "h": {1: "x", (1, 2): "t"}})
check("float stays float", type(d2["b"]) is float and type(d2["c"]) is tuple)
check("big ints", m.dict(x=2**100, y=-(2**70)).copy() == {"x": 2**100, "y": -(2**70)})
check("dict repr", str(m.dict(a=1)) == "{'a': 1}")

# list
l = m.list(range(10))
check("list slice", l[2:5] == [2, 3, 4])
l += [10]
l *= 2
check("list iadd imul", len(l) == 22 and l[-1] == 10)
check("list add", (l + [99])[-1] == 99)
check("list iteration", list(l)[:3] == [0, 1, 2])
try:
    l[100]
    check("IndexError", False)
except IndexError:
    check("IndexError", True)
try:
    l.index(12345)
    check("ValueError", False)
except ValueError:
    check("ValueError", True)
l.sort(reverse=True)
check("list sort kwargs", l[0] == 10)

# Queue
q = m.Queue(2)
q.put(5)
q.put(6)
check("queue full", q.full() and q.qsize() == 2)
try:
    q.put(7, True, 0.05)
    check("queue.Full", False)
except queue.Full:
    check("queue.Full", True)
check("queue get", q.get() == 5 and q.get(timeout=1) == 6)
try:
    q.get(timeout=0.05)
    check("queue.Empty after a timeout", False)
except queue.Empty:
    check("queue.Empty after a timeout", True)

# Lock, RLock, Semaphore, Condition, Event, Barrier
lock = m.Lock()
check("lock acquire", lock.acquire() is True and lock.acquire(False) is False)
lock.release()
try:
    lock.release()
    check("RuntimeError on releasing an unlocked Lock", False)
except RuntimeError as e:
    check("RuntimeError on releasing an unlocked Lock", str(e) == "release unlocked lock")
with m.Lock() as held:
    check("lock context", held is True)
rlock = m.RLock()
rlock.acquire()
rlock.acquire()
rlock.release()
rlock.release()
try:
    rlock.release()
    check("RLock over-release", False)
except RuntimeError:
    check("RLock over-release", True)
sem = m.BoundedSemaphore(2)
check("semaphore", sem.acquire() and sem.acquire() and not sem.acquire(False))
sem.release()
sem.release()
try:
    sem.release()
    check("BoundedSemaphore over-release", False)
except ValueError:
    check("BoundedSemaphore over-release", True)

cond = m.Condition()
woken = []


def waiter():
    with cond:
        woken.append(cond.wait(5))


t = threading.Thread(target=waiter)
t.start()
for _ in range(200):
    with cond:
        if cond._callmethod("notify") is None and woken:
            break
    t.join(0.01)
t.join()
check("condition across threads", woken == [True])
with cond:
    check("condition wait timeout", cond.wait(0.01) is False)
    check("condition wait_for", cond.wait_for(lambda: True) is True)

ev = m.Event()
check("event", ev.wait(0.01) is False)
ev.set()
check("event set", ev.is_set() and ev.wait() is True)

b = m.Barrier(2, timeout=5)
results = []
t = threading.Thread(target=lambda: results.append(b.wait()))
t.start()
results.append(b.wait())
t.join()
check("barrier indices", sorted(results) == [0, 1])
check("barrier attributes", b.parties == 2 and b.n_waiting == 0 and not b.broken)
b.abort()
try:
    b.wait()
    check("BrokenBarrierError", False)
except threading.BrokenBarrierError:
    check("BrokenBarrierError", True)

# Value, Array, Namespace
v = m.Value("i", 1)
v.value = 5
check("value", v.value == 5 and v.get() == 5)
a = m.Array("i", [0, 1])
a[1] = 7
check("array", list(a) == [0, 7] and len(a) == 2)
ns = m.Namespace()
ns.name = "Bob"
ns.job = "Builder"
del ns.job
check("namespace repr", str(ns) == "Namespace(name='Bob')")
check("namespace AttributeError", not hasattr(ns, "job"))

# nested proxies
pets = m.dict(ferrets=2, hamsters=4)
outer = m.dict(pets=pets)
del pets
check("nested proxy", outer["pets"]["ferrets"] == 2)
inner = m.list([m.Queue()])
inner[0].put(123)
check("nested queue", inner[0].get() == 123)

# method not exposed, #GETVALUE
try:
    d._callmethod("__class__")
    check("not exposed is RemoteError", False)
except RemoteError:
    check("not exposed is RemoteError", True)
check("getvalue", m.dict(k=1)._getvalue() == {"k": 1})

del d, d2, l, q, lock, held, rlock, sem, cond, ev, b, v, a, ns, outer, inner
import gc
gc.collect()
check("number_of_objects back to 0", m._number_of_objects() == 0)
print("done", flush=True)
