# A stand-in for systemd's notify socket: binds a unix datagram socket and
# prints each message it receives as one JSON line (with its arrival time).
import json, os, socket, sys, time

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
print(json.dumps({"bound": path}), flush=True)
while True:
    data = sock.recv(65536)
    print(json.dumps({"at": time.monotonic(), "message": data.decode("utf-8", "replace")}), flush=True)
