#!/usr/bin/env python3
# A loopback HTTP(S) server for tests/remote.rs: serves the files of a directory as
# modules, plus redirects (/redirect/ to this port, /to/PORT/ to another), a 404, a
# hang, a file served a second late (/slow/PATH), a wrong Content-Type and a 5 MB module.
# Usage: http_server.py ROOT [CERT KEY]; prints its port on the first line of stdout.
import http.server
import os
import ssl
import sys
import time

ROOT = sys.argv[1]
TYPES = {".ts": "application/typescript", ".js": "application/javascript", ".json": "application/json"}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path.startswith("/redirect/"):
            return self.send(302, headers=[("Location", "/" + path[len("/redirect/"):])])
        if path.startswith("/to/"):  # /to/PORT/PATH: a redirect to another port
            port, rest = path[len("/to/"):].split("/", 1)
            return self.send(302, headers=[("Location", f"http://127.0.0.1:{port}/{rest}")])
        if path.startswith("/hang/"):
            time.sleep(3600)
            return
        if path.startswith("/slow/"):
            time.sleep(1)
            path = path[len("/slow"):]
        if path == "/big.ts":
            body = b'export const big = "' + b"x" * (5 << 20) + b'";\n'
            return self.send(200, body, [("Content-Type", "application/typescript")])
        wrong = path.startswith("/wrong_type/")
        if wrong:
            path = path[len("/wrong_type"):]
        file = os.path.join(ROOT, path.lstrip("/"))
        if not os.path.isfile(file):
            return self.send(404, b"not found")
        with open(file, "rb") as f:
            body = f.read()
        kind = "text/html" if wrong else TYPES.get(os.path.splitext(file)[1], "text/plain")
        self.send(200, body, [("Content-Type", kind)])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
if len(sys.argv) > 3:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[2], sys.argv[3])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
