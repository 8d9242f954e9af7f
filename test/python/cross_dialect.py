"""Objects shared across dialects: a dict Node made is used here, and one made here is left for Node.

Usage: python3 cross_dialect.py ADDRESS   (stdin: one line, the JSON of the Node dict's token)
"""
import json
import sys
from multiprocessing.managers import BaseManager, DictProxy, Token

from common import address_of, authkey, check


class M(BaseManager):
    pass


M.register("dict", dict, DictProxy)
M.register("get_shared", proxytype=DictProxy)
address = address_of(sys.argv[1])
m = M(address=address, authkey=authkey())
m.connect()
token = json.loads(sys.stdin.readline())
node_dict = DictProxy(Token(token["typeid"], address, token["id"]), "pickle", authkey=authkey())
check("reads what Node wrote", node_dict["from node"] == [1, 2, 3])
node_dict["from python"] = (4.0, {"nested": b"bytes"})
mine = m.dict(made_by="python")
node_dict["python dict"] = mine
print("wrote", flush=True)
sys.stdin.readline()
check("sees what Node wrote into its dict", mine["node says"] == "hello")
print("done", flush=True)
