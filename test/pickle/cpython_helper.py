"""CPython side of the pickle codec's round-trip tests.

Modes (JSON on stdin/stdout, pickles as hex):
  values        -> {"version": [3, 11], "pickles": [{"name", "protocol", "hex"}]}
                   every test value pickled at protocols 0-5 with pickle.dumps and at
                   4/5 with multiprocessing's ForkingPickler (what managers send).
  check-values  <- {"results": [{"name", "protocol", "to", "hex"}]}
                -> {"checked": n, "failures": [...]}: each re-encoded pickle must load to
                   a value strictly equal (types included) to what CPython itself loads
                   from its own pickle of that value at that protocol.
  check-js      <- {"items": [{"name", "protocol", "hex"}]}
                -> {"checked": n, "failures": [...]}: pickles written by the codec from
                   values made in JS must load to js_expected()[name].
  check-pairs   <- {"pairs": [{"label", "original", "ours"}]}
                -> {"checked": n, "failures": [...]}: both pickles must load to strictly
                   equal values.

Loading replaces multiprocessing.managers.RebuildProxy with a stub, so pickled proxies
are compared as data instead of dialling a manager that no longer exists.
"""
import array
import collections
import datetime
import decimal
import fractions
import io
import json
import math
import os.path
import pickle
import queue
import sys
import threading
import warnings
from multiprocessing import AuthenticationError
from multiprocessing.managers import AutoProxy, ListProxy, Namespace, RebuildProxy, RemoteError, Token, Value
from multiprocessing.reduction import ForkingPickler

warnings.simplefilter("ignore", DeprecationWarning)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return type(other) is Point and (self.x, self.y) == (other.x, other.y)


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __eq__(self, other):
        return type(other) is Slotted and (self.a, self.b) == (other.a, other.b)


class TaggedList(list):
    def __init__(self, items, tag):
        super().__init__(items)
        self.tag = tag

    def __eq__(self, other):
        return type(other) is TaggedList and list(self) == list(other) and self.tag == other.tag


class KwOnly:
    def __new__(cls, *, size):
        self = super().__new__(cls)
        self.size = size
        return self

    def __getnewargs_ex__(self):
        return (), {"size": self.size}

    def __eq__(self, other):
        return type(other) is KwOnly and self.size == other.size


class Proxied:
    """Pickles as CPython pickles a proxy: RebuildProxy(cls, token, 'pickle', kwds)."""

    def __init__(self, func, token, kwds):
        self.func, self.token, self.kwds = func, token, kwds

    def __reduce__(self):
        return RebuildProxy, (self.func, self.token, "pickle", self.kwds)


def stub_rebuild_proxy(func, token, serializer, kwds):
    return ("RebuildProxy", func.__module__, func.__qualname__, token, serializer, kwds)


class StubUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("multiprocessing.managers", "RebuildProxy"):
            return stub_rebuild_proxy
        return super().find_class(module, name)


def load(data):
    return StubUnpickler(io.BytesIO(data)).load()


def with_note(exc, note):
    exc.add_note(note)
    return exc


def make_values():
    cyclic_list = [1]
    cyclic_list.append(cyclic_list)
    cyclic_dict = {"k": 1}
    cyclic_dict["self"] = cyclic_dict
    recursive_tuple = ([],)
    recursive_tuple[0].append(recursive_tuple)
    shared = [1, 2]
    values = [
        ("none", None), ("true", True), ("false", False),
        ("ints", [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, -2**31 - 1,
                  2**53 - 1, 2**53, -(2**53), 2**63, -2**63 - 1, 2**64, -(2**64), 127, 128, -128, -129]),
        ("bigint_1000", -(2**1000) + 7), ("bigint_long4", 2**2100 + 1), ("bigint_neg_long4", -(2**2100)),
        ("floats", [1.5, 1.0, 0.0, -0.0, float("inf"), float("-inf"), 1e300, 5e-324, 2.0**60, -3.25]),
        ("nan", float("nan")),
        ("strs", ["", "ascii", "h\u00e9\u20ac\U0001f600", "x" * 300, "\n\\", "\x00", "'\"", "\u00ff" * 200]),
        ("bytes", [b"", b"\x00\xff", bytes(range(256))]), ("bytes_big", b"xy" * 40000),
        ("bytearrays", [bytearray(b""), bytearray(b"abc"), bytearray(range(256))]),
        ("tuples", [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((1,), (2, (3,)))]),
        ("lists", [[], [1], [[1, [2]]], [(1, 2)]]), ("list_2500", list(range(2500))),
        ("dicts", [{}, {"a": 1}, {1: "int", (1, 2): "tuple", b"k": "bytes", 1.5: "float", None: "none",
                                  frozenset({1}): "frozenset", -(2**70): "bigint"}]),
        ("dict_2500", {i: str(i) for i in range(2500)}),
        ("sets", [set(), {1, 2, 3}, {(1, 2), "a", b"b"}, frozenset(), frozenset({1, "a"})]),
        ("set_1500", set(range(1500))),
        ("nested", {"list": [1, {"set": {1}}], "tuple": (frozenset({2}), bytearray(b"x")), "f": [1.0, 2.5]}),
        ("key_error", KeyError("k")), ("key_error_empty", KeyError()),
        ("index_error", IndexError("list index out of range")), ("value_error_2", ValueError("boom", 2)),
        ("type_error", TypeError()), ("runtime_error", RuntimeError("release unlocked lock")),
        ("attribute_error", AttributeError("no attr", name="attr", obj=5)),
        ("stop_iteration", StopIteration()), ("stop_iteration_value", StopIteration(5)),
        ("overflow_error", OverflowError("o")), ("queue_empty", queue.Empty()), ("queue_full", queue.Full()),
        ("broken_barrier", threading.BrokenBarrierError()), ("zero_division", ZeroDivisionError("z")),
        ("os_error", OSError(2, "nf")), ("file_not_found", FileNotFoundError(2, "No such file", "x.txt")),
        ("connection_refused", ConnectionRefusedError(111, "refused")),
        ("unicode_decode_error", UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")),
        ("remote_error", RemoteError("remote")), ("authentication_error", AuthenticationError("digest")),
        ("noted_error", with_note(KeyError("n"), "note 1")),
        ("exception_group", ExceptionGroup("eg", [ValueError(1), KeyError("k")])),
        ("errors_in_list", [KeyError("a"), StopIteration()]),
        ("token_tcp", Token("dict", ("127.0.0.1", 5000), "7fb21c4ed6c0")),
        ("token_unix", Token("list", "/tmp/m.sock", "ff")), ("token_abstract", Token("Queue", "\0abstract", "1")),
        ("proxy_list", Proxied(ListProxy, Token("list", ("127.0.0.1", 29153), "7fb2"), {})),
        ("proxy_auto", Proxied(AutoProxy, Token("Queue", "/tmp/q.sock", "7fb3"), {"exposed": ("get", "put")})),
        ("arrays", [array.array("i", [1, 2, -3]), array.array("d", [1.5, 2.0]), array.array("b", [-1, 2]),
                    array.array("B", [255]), array.array("h", [-300]), array.array("H", [65535]),
                    array.array("I", [2**32 - 1]), array.array("l", [2**62, -5]), array.array("L", [2**64 - 1]),
                    array.array("q", [-2**63]), array.array("Q", [2**63]), array.array("f", [1.5]),
                    array.array("u", "ab\U0001f600"), array.array("i")]),
        ("slices", [slice(1, None, 2), slice(None), slice(-1, 10, -2), slice(None, 5)]),
        ("complex", 1 + 2j),
        ("namespace", Namespace(a=1, b=[2], c="three")), ("namespace_empty", Namespace()),
        ("value_int", Value("i", 7)), ("value_float", Value("d", 1.5)),
        ("fraction", fractions.Fraction(1, 3)), ("decimal", decimal.Decimal("1.5")),
        ("datetime", datetime.datetime(2024, 1, 2, 3, 4, 5, 6)),
        ("datetime_utc", datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)),
        ("ordered_dict", collections.OrderedDict([("a", 1), ("b", 2)])),
        ("deque", collections.deque([1, 2], maxlen=5)),
        ("point", Point(1, [2])), ("slotted", Slotted(1, "b")), ("tagged_list", TaggedList([1, 2], "t")),
        ("kw_only", KwOnly(size=3)),
        ("functions", [os.path.join, len, Point]),
        ("cyclic_list", cyclic_list), ("cyclic_dict", cyclic_dict), ("recursive_tuple", recursive_tuple),
        ("shared", [shared, shared, (shared,)]),
    ]
    if sys.version_info >= (3, 13):
        values.append(("array_w", array.array("w", "xy\U0001f600")))
    return values


def js_expected():
    """What the values built in test/pickle/encode-cpython.test.ts must load as."""
    cyclic_list = [1]
    cyclic_list.append(cyclic_list)
    shared = [1, 2]
    token = Token("dict", ("127.0.0.1", 5000), "ab")
    return {
        "plain_object": {"a": 1, "b": [True, None], "nested": {"c": "d"}},
        "map_keys": {1: "int", (1, 2): "tuple", b"k": "bytes", None: "none", 2.5: "float", frozenset({1}): "fs"},
        "js_set": {1, "a", (2, 3)},
        "frozen_set": frozenset({1, 2}),
        "undefined": None,
        "numbers": [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -2**31, 2**31, -2**31 - 1, 1.5, -0.25, 2.0, 2**53,
                    10**20, 0, float("inf"), float("-inf"), 123, -(2**100), 2**64, -(2**63), 2**2100],
        "nan": float("nan"),
        "strings": ["", "a" * 255, "a" * 256, "\u00e9" * 127, "\u00e9" * 128, "\U0001f600", "x\ny\\", "\u00ff"],
        "lone_surrogates": ["a\ud800b", "\udfff", "\ud83d", "ok\U0001f600"],
        "bytes": [b"", b"\x00\xff", bytes(range(256)) * 300],
        "bytearray": bytearray(b"\x01\x02"),
        "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((),)],
        "errors": [KeyError("k"), queue.Empty(), queue.Full(), threading.BrokenBarrierError(), StopIteration(),
                   IndexError("i"), ValueError("v", 2), TypeError("t"), RuntimeError("r"), AttributeError("a"),
                   OverflowError("o"), ZeroDivisionError("z"), RemoteError("remote"), ConnectionRefusedError(111, "no")],
        "noted_error": with_note(KeyError("k"), "retry later"),
        "token_tcp": token,
        "token_unix": Token("list", "/tmp/x.sock", "cd"),
        "token_ipv6": Token("list", ("::1", 6000), "ef"),
        "proxy_list": ("RebuildProxy", "multiprocessing.managers", "ListProxy", token, "pickle", {}),
        "proxy_auto": ("RebuildProxy", "multiprocessing.managers", "AutoProxy", token, "pickle", {"exposed": ("get", "put")}),
        "namespace": Namespace(a=1, b="two"),
        "value": Value("i", 7),
        "arrays": [array.array("d", [1.5, 2.0]), array.array("q", [2**62, -1]), array.array("u", "hi"), array.array("B")],
        "slices": [slice(1, None, 2), slice(None, None, None)],
        "records": [fractions.Fraction(1, 3), collections.OrderedDict([("a", 1)]), Point(1, 2), os.path.join],
        "cyclic_list": cyclic_list,
        "shared": [shared, shared, (shared,)],
        "big_list": list(range(2500)),
        "big_dict": {i: -i for i in range(2500)},
        "big_set": set(range(2500)),
    }


def pickles_of(value):
    out = []
    for protocol in range(6):
        try:
            out.append((str(protocol), pickle.dumps(value, protocol)))
        except Exception:
            pass  # e.g. __slots__ classes before protocol 2: CPython itself cannot write them
    for protocol in (4, 5):
        out.append((f"fp{protocol}", bytes(ForkingPickler.dumps(value, protocol))))
    return out


def describe(x):
    try:
        return repr(x)[:200]
    except Exception:
        return f"<{type(x).__name__}>"


def strict_eq(a, b, path="$", seen=None):
    """None when a and b are equal with the same types all the way down, else a message."""
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return None
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__} ({describe(a)} vs {describe(b)})"
    if isinstance(a, (list, tuple, dict, set, frozenset)) or hasattr(a, "__dict__"):
        seen.add((id(a), id(b)))
    if isinstance(a, float):
        same = (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
        return None if same else f"{path}: {a!r} != {b!r}"
    if isinstance(a, BaseException):
        err = strict_eq(a.args, b.args, f"{path}.args", seen)
        if err:
            return err
        for attr in ("name", "filename", "filename2", "errno", "strerror", "value", "__notes__"):
            err = strict_eq(getattr(a, attr, None), getattr(b, attr, None), f"{path}.{attr}", seen)
            if err:
                return err
        return None
    if isinstance(a, Token):
        return None if (a.typeid, a.address, a.id) == (b.typeid, b.address, b.id) and \
            type(a.address) is type(b.address) else f"{path}: {a} != {b}"
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            err = strict_eq(x, y, f"{path}[{i}]", seen)
            if err:
                return err
        if isinstance(a, TaggedList):
            return strict_eq(a.tag, b.tag, f"{path}.tag", seen)
        return None
    if isinstance(a, dict):
        if len(a) != len(b):
            return f"{path}: size {len(a)} != {len(b)}"
        b_keys = {k: k for k in b}
        for k, v in a.items():
            if k not in b_keys:
                return f"{path}: missing key {describe(k)}"
            err = strict_eq(k, b_keys[k], f"{path}<key {describe(k)}>", seen) or \
                strict_eq(v, b[k], f"{path}[{describe(k)}]", seen)
            if err:
                return err
        if isinstance(a, collections.OrderedDict) and list(a) != list(b):
            return f"{path}: order differs"
        return None
    if isinstance(a, (set, frozenset)):
        if a != b:
            return f"{path}: {describe(a)} != {describe(b)}"
        b_items = {x: x for x in b}
        for x in a:
            err = strict_eq(x, b_items[x], f"{path}{{{describe(x)}}}", seen)
            if err:
                return err
        return None
    if isinstance(a, array.array):
        return None if a.typecode == b.typecode and a.tolist() == b.tolist() else f"{path}: {a!r} != {b!r}"
    if isinstance(a, slice):
        return strict_eq((a.start, a.stop, a.step), (b.start, b.stop, b.step), path, seen)
    if isinstance(a, Namespace):
        return strict_eq(vars(a), vars(b), f"{path}.__dict__", seen)
    if isinstance(a, Value):
        return strict_eq((a._typecode, a._value), (b._typecode, b._value), path, seen)
    if isinstance(a, collections.deque):
        return None if a == b and a.maxlen == b.maxlen else f"{path}: {a!r} != {b!r}"
    return None if a == b else f"{path}: {describe(a)} != {describe(b)}"


def identity_problems(name, value):
    """Shared and cyclic references must survive too, not only equality."""
    if name == "shared" and not (value[0] is value[1] is value[2][0]):
        return "shared list lost its identity"
    if name == "cyclic_list" and value[1] is not value:
        return "cyclic list is no longer cyclic"
    if name == "cyclic_dict" and value["self"] is not value:
        return "cyclic dict is no longer cyclic"
    if name == "recursive_tuple" and value[0][0] is not value:
        return "recursive tuple is no longer recursive"
    return None


def main():
    mode = sys.argv[1]
    if mode == "values":
        out = [{"name": name, "protocol": p, "hex": data.hex()}
               for name, value in make_values() for p, data in pickles_of(value)]
        json.dump({"version": list(sys.version_info[:2]), "pickles": out}, sys.stdout)
        return
    request = json.load(sys.stdin)
    failures = []
    checked = 0
    if mode == "check-values":
        originals = {name: dict(pickles_of(value)) for name, value in make_values()}
        for r in request["results"]:
            label = f"{r['name']} (protocol {r['protocol']} -> {r['to']})"
            try:
                expected = load(originals[r["name"]][r["protocol"]])
                actual = load(bytes.fromhex(r["hex"]))
                err = strict_eq(expected, actual) or identity_problems(r["name"], actual)
            except Exception as e:
                err = f"load failed: {type(e).__name__}: {e}"
            checked += 1
            if err:
                failures.append(f"{label}: {err}")
    elif mode == "check-js":
        expected = js_expected()
        for item in request["items"]:
            label = f"{item['name']} (protocol {item['protocol']})"
            try:
                actual = load(bytes.fromhex(item["hex"]))
                err = strict_eq(expected[item["name"]], actual) or identity_problems(item["name"], actual)
            except Exception as e:
                err = f"load failed: {type(e).__name__}: {e}"
            checked += 1
            if err:
                failures.append(f"{label}: {err}")
    elif mode == "check-pairs":
        for p in request["pairs"]:
            try:
                err = strict_eq(load(bytes.fromhex(p["original"])), load(bytes.fromhex(p["ours"])))
            except Exception as e:
                err = f"load failed: {type(e).__name__}: {e}"
            checked += 1
            if err:
                failures.append(f"{p['label']}: {err}")
    else:
        raise SystemExit(f"unknown mode {mode}")
    json.dump({"version": list(sys.version_info[:2]), "checked": checked, "failures": failures}, sys.stdout)


if __name__ == "__main__":
    main()
