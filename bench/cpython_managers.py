#!/usr/bin/env python3
"""Stock CPython multiprocessing.managers on the metrics bench/run.ts reports.

    python3 cpython_managers.py TEST TRANSPORT SECONDS [--connect ADDRESS]

Runs one test against a fresh SyncManager (fork context) and prints one JSON
line.  With --connect, seq_setget runs against an existing manager instead
(ours), with the key in MANAGER_AUTHKEY: what Python users gain by switching
servers.  Adapted from the CPython baseline bench (bench_cpython_managers.py).
"""
import json, multiprocessing as mp, os, sys, tempfile, threading, time
from multiprocessing import connection
from multiprocessing.managers import SyncManager, dispatch

CTX = mp.get_context('fork')
KEY = b'bench-key'
# Every figure is the steady state's, after this much of the same work uncounted
# (as bench/client.ts does for ours, where the JIT needs it).
WARM = float(os.environ.get('BENCH_WARM_SECONDS', '1'))


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])


def start_manager(transport):
    address = os.path.join(tempfile.mkdtemp(prefix='mgrb-'), 'sock') if transport == 'unix' else ('127.0.0.1', 0)
    m = SyncManager(address=address, authkey=KEY, ctx=CTX)
    m.start()
    return m


def timed_loop(fn, seconds):
    n, batch = 0, 16
    t0 = time.perf_counter()
    deadline = t0 + seconds
    while True:
        for _ in range(batch):
            fn()
        n += batch
        t = time.perf_counter()
        if t >= deadline:
            return n / (t - t0)


def seq_setget(m, secs):
    d = m.dict()
    def op():
        d['k'] = 'v'
        d['k']
    timed_loop(op, WARM)
    return {'rate': timed_loop(op, secs)}


def _par_worker(d, idx, start_evt, secs, out_q, ready_q):
    key = 'k%d' % idx
    def op():
        d[key] = 'v'
        d[key]
    timed_loop(op, WARM)
    ready_q.put(idx)
    start_evt.wait()
    n = 0
    t0 = time.perf_counter()
    deadline = t0 + secs
    while True:
        for _ in range(16):
            d[key] = 'v'
            d[key]
        n += 16
        t = time.perf_counter()
        if t >= deadline:
            break
    out_q.put((n, t - t0))


def par_setget(m, secs, nproc):
    d = m.dict()
    evt, q, ready = CTX.Event(), CTX.Queue(), CTX.Queue()
    ps = [CTX.Process(target=_par_worker, args=(d, i, evt, secs, q, ready)) for i in range(nproc)]
    for p in ps:
        p.start()
    for _ in ps:
        ready.get()
    evt.set()
    res = [q.get() for _ in ps]
    for p in ps:
        p.join()
    return {'rate': sum(n / t for n, t in res)}


def concurrent_threads(m, secs, nthreads=4):
    """CPython has one connection per thread: calls/s from 4 threads at once."""
    d = m.dict()
    d['k'] = 'v'
    counts = [0] * nthreads
    start = threading.Barrier(nthreads + 1)
    stop = [False]
    def work(i):
        d['k']
        start.wait()
        n = 0
        while not stop[0]:
            d['k']
            n += 1
        counts[i] = n
    ts = [threading.Thread(target=work, args=(i,)) for i in range(nthreads)]
    for t in ts:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(secs)
    stop[0] = True
    for t in ts:
        t.join()
    return {'rate': sum(counts) / (time.perf_counter() - t0)}


def _producer(qp, n):
    for i in range(n):
        qp.put(i)


def _consumer(qp, n, out_q):
    t0 = time.perf_counter()
    for _ in range(n):
        qp.get()
    out_q.put(time.perf_counter() - t0)


def queue_pairs(m, secs):
    qp = m.Queue()
    n = max(2000, int(timed_loop(lambda: (qp.put(1), qp.get()), 0.3) * secs / 2))
    out = CTX.Queue()
    c = CTX.Process(target=_consumer, args=(qp, n, out))
    p = CTX.Process(target=_producer, args=(qp, n))
    c.start(); p.start()
    p.join(); c.join()
    return {'rate': n / out.get()}


def create_release(m, secs):
    def op():
        p = m.dict()
        del p
    timed_loop(op, WARM)
    return {'rate': timed_loop(op, secs)}


def lock_pairs(m, secs):
    lk = m.Lock()
    def op():
        lk.acquire()
        lk.release()
    timed_loop(op, WARM)
    return {'rate': timed_loop(op, secs)}


def latency(m, secs, n=20000):
    d = m.dict()
    d['k'] = 'v'
    timed_loop(lambda: d['k'], WARM)
    pc = time.perf_counter_ns
    lat = []
    for _ in range(n):
        t0 = pc()
        d['k']
        lat.append(pc() - t0)
    lat.sort()
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] / 1000.0
    return {'p50': q(0.50), 'p99': q(0.99), 'p999': q(0.999)}


def _create_raw(address, count, nthreads=4):
    def work(k):
        for _ in range(k):
            c = connection.Client(address, authkey=KEY)
            try:
                dispatch(c, None, 'create', ('dict', {'a': 1}))
            finally:
                c.close()
    per = [count // nthreads + (1 if i < count % nthreads else 0) for i in range(nthreads)]
    ts = [threading.Thread(target=work, args=(k,)) for k in per]
    for t in ts:
        t.start()
    for t in ts:
        t.join()


def bytes_per_object(m, secs, nobj=100000):
    pid = m._process.pid
    time.sleep(0.2)
    base = rss_kib(pid)
    _create_raw(m.address, nobj)
    after = rss_kib(pid)
    return {'rate': (after - base) * 1024 / nobj}


def get_size(m, secs, size):
    d = m.dict()
    d['b'] = b'x' * size
    d['b']
    n, t0 = 0, time.perf_counter()
    while True:
        v = d['b']
        n += 1
        t = time.perf_counter()
        if t - t0 >= secs and n >= 3:
            break
    assert len(v) == size
    return {'rate': n * size / (t - t0) / 1e6}


def primes_below(n):
    """How many primes are below n, by trial division: CPU only (bench/pool_tasks.ts has the same)."""
    count = 0
    for k in range(2, n):
        d = 2
        prime = True
        while d * d <= k:
            if k % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    return count


def square(x):
    return x * x


def pool_map(m, secs, kind):
    """A managers Pool of 2 workers mapping the same function over the same inputs as ours: tasks/s."""
    pool = m.Pool(2)
    fn, inputs = (primes_below, [5000] * 64) if kind == 'cpu' else (square, list(range(1000)))
    assert pool.map(fn, inputs)[1] == (669 if kind == 'cpu' else 1)
    def run(seconds):
        n, t0 = 0, time.perf_counter()
        while True:
            pool.map(fn, inputs)
            n += len(inputs)
            t = time.perf_counter()
            if t - t0 >= seconds:
                return n / (t - t0)
    run(WARM)
    rate = run(secs)
    pool.terminate()
    return {'rate': rate}


TESTS = {
    'seq_setget': seq_setget,
    'par4_setget': lambda m, s: par_setget(m, s, 4),
    'par16_setget': lambda m, s: par_setget(m, s, 16),
    'concurrent_threads': concurrent_threads,
    'queue_pairs': queue_pairs,
    'create_release': create_release,
    'lock_pairs': lock_pairs,
    'latency': latency,
    'bytes_per_object': bytes_per_object,
    'get_1KiB': lambda m, s: get_size(m, s, 1 << 10),
    'get_1MiB': lambda m, s: get_size(m, s, 1 << 20),
    'get_16MiB': lambda m, s: get_size(m, s, 16 << 20),
    'pool_map_cpu': lambda m, s: pool_map(m, s, 'cpu'),
    'pool_map_small': lambda m, s: pool_map(m, s, 'small'),
}


def address_of(text):
    if text.startswith('unix:'):
        return text[5:]
    host, _, port = text[4:].rpartition(':')
    return (host.strip('[]'), int(port))


def main():
    test, transport, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if len(sys.argv) > 5 and sys.argv[4] == '--connect':
        m = SyncManager(address=address_of(sys.argv[5]), authkey=os.environ['MANAGER_AUTHKEY'].encode())
        m.connect()
        print(json.dumps(TESTS[test](m, secs)), flush=True)
        return
    m = start_manager(transport)
    try:
        print(json.dumps(TESTS[test](m, secs)), flush=True)
    finally:
        m.shutdown()


if __name__ == '__main__':
    main()
