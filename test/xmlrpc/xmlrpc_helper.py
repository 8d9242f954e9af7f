"""CPython side of the XML-RPC codec's tests. JSON on stdin/stdout, documents as hex.

Every document is what multiprocessing.connection's XmlClient/XmlListener exchange:
_xml_dumps(obj) = xmlrpc.client.dumps((obj,), None, None, None, 1).encode('utf-8') and
_xml_loads(s) = xmlrpc.client.loads(s.decode('utf-8')) with exactly one param.

Modes:
  values   -> {"items": [{"name", "hex", "desc"}]}: test values dumped by CPython, with
              describe() of what CPython itself loads back.
  check    <- {"items": [{"label", "hex", "desc"}]}
           -> {"checked": n, "failures": [...]}: each document must load to desc.
  exprs    <- {"items": [{"label", "expr", "hex"?}]}
           -> {"results": [{"label", "hex"} | {"label", "error"}, "ours"?]}: CPython's
              dumps of eval(expr) (or its error as "Type: message"), and describe() of
              what CPython loads from our document when one is given.
  frames   -> {"frames": [{"label", "hex"}]}: manager messages, synthetic and captured
              from a live manager session with serializer='xmlrpclib'.
  scalars  <- {"ints", "doubles", "base64", "datetimes", "reprs"}: lists of inputs (reprs:
              doubles as 16 hex digits of their big-endian bits)
           -> the same keys, each result {"ok": value} or {"error": "..."} as int(),
              float(), base64.decodebytes(), datetime.strptime(s.strip(), ...) and
              repr(float) give them.
"""
import array
import base64
import datetime
import json
import math
import os
import queue
import struct
import sys
import threading
import xmlrpc.client
from multiprocessing import connection
from multiprocessing.managers import BaseManager, Namespace, Token, Value

FMT = "%Y%m%dT%H:%M:%S"


def dumps(obj):
    return xmlrpc.client.dumps((obj,), None, None, None, 1).encode("utf-8")


def loads(data):
    (obj,), _method = xmlrpc.client.loads(data.decode("utf-8"))
    return obj


def describe(v):
    if v is None:
        return {"t": "none"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": str(v)}
    if isinstance(v, float):
        return {"t": "float", "v": repr(v)}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, (bytes, bytearray)):
        return {"t": "bytes", "v": bytes(v).hex()}
    if isinstance(v, xmlrpc.client.Binary):
        return {"t": "bytes", "v": v.data.hex()}
    if isinstance(v, (list, tuple)):
        return {"t": "list", "v": [describe(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[k, describe(x)] for k, x in v.items()]}
    if isinstance(v, xmlrpc.client.DateTime):
        # What the value means, as the codec reads it (strptime of the stripped text).
        return {"t": "datetime", "v": datetime.datetime.strptime(v.value, FMT).strftime("%4Y%m%dT%H:%M:%S")}
    raise TypeError("cannot describe %r" % type(v))


def error_text(e):
    return "%s: %s" % (type(e).__name__, e)


def nested(depth):
    v = "bottom"
    for _ in range(depth):
        v = [v]
    return v


VALUES = [
    ("None", None), ("True", True), ("False", False),
    ("zero", 0), ("int", 42), ("negative int", -7), ("max int32", 2**31 - 1), ("min int32", -2**31),
    ("float 1.0", 1.0), ("float -1.0", -1.0), ("float 0.1", 0.1), ("float 1e100", 1e100), ("float -0.0", -0.0),
    ("float inf", math.inf), ("float -inf", -math.inf), ("float nan", math.nan), ("float 1e16", 1e16),
    ("float 1e15", 1e15), ("float 1e-5", 1e-5), ("float 0.0001", 0.0001), ("float 5e-324", 5e-324),
    ("float max", sys.float_info.max), ("float 1/3", 1 / 3), ("float 123456789.125", 123456789.125),
    ("float -2.5", -2.5), ("float 2**53", float(2**53)), ("float 1.5e300", 1.5e300),
    ("empty str", ""), ("str", "hello"), ("str escapes", "a<b>&c&amp;]]>"), ("str quotes", "'\"'"),
    ("str unicode", "h\u00e9llo w\u00f6rld \u2211"), ("str astral", "\U0001F600\U0001D11E"),
    ("str newlines and tabs", "a\nb\tc\n"), ("str padded", "  padded  "), ("str C1 controls", "\x7f\x85\x9f"),
    ("str carriage return", "a\rb\r\nc"),
    ("bytes empty", b""), ("bytes", b"\x00\x01\xff"), ("bytes 57", bytes(range(57))), ("bytes 58", bytes(range(58))),
    ("bytes 1024", bytes(range(256)) * 4), ("bytearray", bytearray(b"abc")),
    ("list empty", []), ("list", [1, "a", None]), ("tuple", (1, 2)), ("tuple empty", ()),
    ("nested", [[1, [2, [3]]], {"a": (4,)}]),
    ("dict empty", {}), ("dict", {"a": 1, "b": [True]}), ("dict odd keys", {"<&>": 1, "": 2, "\U0001F600": 3, " k ": 4}),
    ("datetime", datetime.datetime(2024, 1, 2, 3, 4, 5)),
    ("datetime microseconds", datetime.datetime(2024, 1, 2, 3, 4, 5, 678901)),
    ("datetime year 1", datetime.datetime(1, 1, 1)), ("datetime year 5", datetime.datetime(5, 6, 7, 8, 9, 10)),
    ("datetime year 9999", datetime.datetime(9999, 12, 31, 23, 59, 59)),
    ("datetime leap day", datetime.datetime(2000, 2, 29, 12)),
    ("datetime aware", datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))),
    ("DateTime non-canonical", xmlrpc.client.DateTime("2024112T3:4:5")),
    ("DateTime wrapper", xmlrpc.client.DateTime("20240102T03:04:05")), ("Binary wrapper", xmlrpc.client.Binary(b"xyz")),
    ("Namespace", Namespace(a=1, b="x")), ("Value", Value("i", 5)), ("KeyError", KeyError("k")),
    ("deep list", nested(200)), ("long list", list(range(1000))),
    ("manager request", ("7f3a9c2b1d40", "put", (("hello", None, True, 2.25),), {})),
    ("manager reply", ("#RETURN", ("7f3a", ("get", "put")))),
]


def mode_values(_input):
    items = []
    for name, value in VALUES:
        data = dumps(value)
        items.append({"name": name, "hex": data.hex(), "desc": describe(loads(data))})
    return {"items": items}


def mode_check(inp):
    failures = []
    for item in inp["items"]:
        try:
            got = describe(loads(bytes.fromhex(item["hex"])))
        except Exception as e:
            failures.append("%s: %s" % (item["label"], error_text(e)))
            continue
        if got != item["desc"]:
            failures.append("%s: loads to %r, expected %r" % (item["label"], got, item["desc"]))
    return {"checked": len(inp["items"]), "failures": failures}


def add_note(e, note):
    e.add_note(note)
    return e


def cyclic_list():
    a = []
    a.append(a)
    return a


def cyclic_dict():
    d = {}
    d["self"] = d
    return d


SCOPE = {"datetime": datetime, "Namespace": Namespace, "Value": Value, "Token": Token, "queue": queue,
         "array": array, "add_note": add_note, "cyclic_list": cyclic_list, "cyclic_dict": cyclic_dict}


def mode_exprs(inp):
    results = []
    for item in inp["items"]:
        result = {"label": item["label"]}
        try:
            result["hex"] = dumps(eval(item["expr"], dict(SCOPE))).hex()
        except Exception as e:
            result["error"] = error_text(e)
        if item.get("hex") is not None:
            try:
                result["ours"] = describe(loads(bytes.fromhex(item["hex"])))
            except Exception as e:
                result["ours"] = {"error": error_text(e)}
        results.append(result)
    return {"results": results}


def live_frames():
    """Every frame of a real manager session over serializer='xmlrpclib', both directions."""
    captured = []
    original = connection._xml_dumps

    def recording(obj):
        data = original(obj)
        captured.append(data)
        return data

    connection._xml_dumps = recording
    shared = queue.Queue()

    class QueueManager(BaseManager):
        pass

    QueueManager.register("get_queue", callable=lambda: shared)
    server = QueueManager(address=("127.0.0.1", 0), authkey=b"key", serializer="xmlrpclib").get_server()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = QueueManager(address=server.address, authkey=b"key", serializer="xmlrpclib")
    client.connect()
    proxy = client.get_queue()
    proxy.put(("hello", None, True, 2.25))
    proxy.put({"k": [1, 2.5, b"bytes"], "when": datetime.datetime(2024, 1, 2, 3, 4, 5)})
    proxy.get()
    proxy.get()
    proxy.qsize()
    try:
        proxy.get_nowait()  # '#ERROR' with queue.Empty(), which xmlrpclib writes as an empty struct
    except Exception:
        pass
    try:
        proxy._callmethod("no_such_method")
    except Exception:
        pass
    del proxy
    connection._xml_dumps = original
    return captured


def mode_frames(_input):
    synthetic = [
        ("dummy request", (None, "dummy", (), {})),
        ("create request", (None, "create", ("get_queue",), {})),
        ("put request", ("7f3a9c2b1d40", "put", (("hello", None, True, 2.25),), {})),
        ("return None", ("#RETURN", None)),
        ("create reply", ("#RETURN", ("7f3a", ("get", "put")))),
        ("traceback reply", ("#TRACEBACK", "text")),
    ]
    frames = [{"label": label, "hex": dumps(obj).hex()} for label, obj in synthetic]
    frames += [{"label": "live %d" % i, "hex": data.hex()} for i, data in enumerate(live_frames())]
    return {"frames": frames}


def attempt(f, s):
    try:
        return {"ok": f(s)}
    except Exception as e:
        return {"error": error_text(e)}


def mode_scalars(inp):
    return {
        "ints": [attempt(lambda s: str(int(s)), s) for s in inp["ints"]],
        "doubles": [attempt(lambda s: repr(float(s)), s) for s in inp["doubles"]],
        "base64": [attempt(lambda s: base64.decodebytes(s.encode("ascii")).hex(), s) for s in inp["base64"]],
        "datetimes": [attempt(lambda s: datetime.datetime.strptime(s.strip(), FMT).strftime("%4Y%m%dT%H:%M:%S"), s)
                      for s in inp["datetimes"]],
        "reprs": [repr(struct.unpack(">d", bytes.fromhex(h))[0]) for h in inp["reprs"]],
    }


MODES = {"values": mode_values, "check": mode_check, "exprs": mode_exprs, "frames": mode_frames,
         "scalars": mode_scalars}

if __name__ == "__main__":
    sys.set_int_max_str_digits(4300)
    raw = sys.stdin.read()
    out = MODES[sys.argv[1]](json.loads(raw) if raw else None)
    out["version"] = list(sys.version_info[:2])
    sys.stdout.write(json.dumps(out))
    sys.stdout.flush()
    # Skip interpreter shutdown: the live manager's daemon threads need no cleanup.
    os._exit(0)
