"""A stock CPython client's Pool against our server (no package of ours).

    python3 pool_client.py ADDRESS MODULE

m.Pool() is refused, saying why (it would send Python functions); a Pool
made with module=MODULE runs that module's functions by name: apply, map,
starmap, imap, the async forms and their AsyncResult (get with a timeout
raises multiprocessing.TimeoutError), callbacks that are a shared list's
append, errors as Python raises them, terminate with 10,000 tasks pending,
and every object released at the end.
"""
import gc
import multiprocessing
import sys
import time
from multiprocessing.managers import RemoteError, SyncManager

from common import address_of, authkey, check

address, module = sys.argv[1], sys.argv[2]
m = SyncManager(address=address_of(address), authkey=authkey())
m.connect()


def sqr(x):
    return x * x


try:
    m.Pool(2)
    check("m.Pool() is refused", False)
except RemoteError as e:
    text = str(e)
    check("m.Pool() is refused, saying why and what to do instead",
          "would send Python functions" in text and "multiprocessing.Pool" in text and "module=" in text)

pool = m.Pool(2, module=module)
check("map by name", pool.map("sqr", range(10)) == [x * x for x in range(10)])
check("map with chunksize 20", pool.map("sqr", range(100), chunksize=20) == [x * x for x in range(100)])
check("starmap", pool.starmap("mul", [(1, 2), (3, 4)]) == [2, 12])
check("starmap_async", pool.starmap_async("mul", list(zip(range(100), range(99, -1, -1)))).get()
      == [a * b for a, b in zip(range(100), range(99, -1, -1))])
check("apply", pool.apply("sqr", (5,)) == 25)
check("map over [] gives []", pool.map("sqr", []) == [] and list(pool.imap("sqr", [])) == [])

try:
    pool.map(sqr, [1, 2])
    check("a Python function is refused", False)
except TypeError as e:
    check("a Python function is refused with TypeError, saying why", "__main__.sqr" in str(e) and "cannot run" in str(e))

try:
    pool.apply("sqr", (), {"x": 3})
    check("keywords are refused", False)
except TypeError as e:
    check("keywords are refused with TypeError", "keyword" in str(e))

try:
    pool.apply("raising")
    check("a task's KeyError is raised", False)
except KeyError as e:
    check("a task's KeyError is raised as KeyError", e.args == ("key",))

r = pool.apply_async("sqr", (7, 0.5))
check("an AsyncResult is not ready at once", not r.ready())
try:
    r.get(timeout=0.05)
    check("get(timeout) raises multiprocessing.TimeoutError", False)
except multiprocessing.TimeoutError:
    check("get(timeout) raises multiprocessing.TimeoutError", True)
check("get() gives the result", r.get() == 49 and r.ready() and r.successful())

check("imap in order", list(pool.imap("sqr", range(10))) == [x * x for x in range(10)])
it = pool.imap("sqr", range(1000), chunksize=100)
check("imap with chunks, one next at a time", all(next(it) == i * i for i in range(1000)))
try:
    next(it)
    check("StopIteration after the last", False)
except StopIteration:
    check("StopIteration after the last", True)
check("imap_unordered", sorted(pool.imap_unordered("sqr", range(100), chunksize=7)) == [x * x for x in range(100)])

results = m.list()
pool.map_async("toInt", ["1"], callback=results.append, error_callback=results.append).wait()
check("a shared list's append is the callback, run before the result is ready", len(results) == 1 and results[0] == [1])
pool.map_async("toInt", ["a"], callback=results.append, error_callback=results.append).wait()
check("and the error callback, given the ValueError", len(results) == 2 and isinstance(results[1], ValueError))

pool.close()
pool.join()
try:
    pool.map("sqr", [1])
    check("a closed pool refuses work", False)
except ValueError as e:
    check("a closed pool refuses work with ValueError", "Pool not running" in str(e))

with m.Pool(3, module=module) as doomed:
    pending = doomed.map_async("sleep", [60] * 10000, chunksize=1)
    time.sleep(0.2)
# __exit__ terminated it: busy workers stopped, the rest failed.
doomed.join()
try:
    pending.get(timeout=5)
    check("terminate fails what had not completed", False)
except Exception as e:
    check("terminate fails what had not completed", "PoolTerminated" in str(e))

del pool, doomed, pending, r, it, results
gc.collect()
check("every object released", m._number_of_objects() == 0)
print("done", flush=True)
