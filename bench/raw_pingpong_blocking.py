"""A blocking-socket ping-pong between two Python processes over a Unix socket.

The floor CPython's managers start from (threads blocked in recv), beside the
event-loop floor that bench/raw-pingpong.ts measures for Node.
Run: python3 bench/raw_pingpong_blocking.py [SECONDS]
"""
import os, socket, sys, tempfile, time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
path = os.path.join(tempfile.mkdtemp(prefix="raw-pingpong-"), "s")
server = socket.socket(socket.AF_UNIX)
server.bind(path)
server.listen(1)
pid = os.fork()
if pid == 0:
    client = socket.socket(socket.AF_UNIX)
    client.connect(path)
    n, end = 0, time.time() + seconds
    while time.time() < end:
        client.sendall(b"x" * 40)
        client.recv(64)
        n += 1
    print(f"blocking round trips/s: {n / seconds:.0f}")
    os._exit(0)
conn, _ = server.accept()
while conn.recv(64):
    conn.sendall(b"x" * 40)
conn.close()
os.waitpid(pid, 0)
os.unlink(path)
os.rmdir(os.path.dirname(path))
