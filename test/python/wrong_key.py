"""A client with the wrong key gets AuthenticationError.

Usage: python3 wrong_key.py ADDRESS
"""
import sys
from multiprocessing import AuthenticationError
from multiprocessing.managers import SyncManager

from common import address_of, check

m = SyncManager(address=address_of(sys.argv[1]), authkey=b"not the key")
try:
    m.connect()
    check("AuthenticationError", False)
except AuthenticationError:
    check("AuthenticationError", True)
print("done", flush=True)
