"""A key-value store over HTTP: GET /KEY, POST /KEY/incr; X-Password required."""

import http.server
import sys
import threading

data: dict[str, int] = {}
lock = threading.Lock()
address, port, password_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Handler(http.server.BaseHTTPRequestHandler):
    def _allowed(self) -> bool:
        with open(password_file) as f:
            ok = self.headers.get("X-Password", "") == f.read().strip()
        if not ok:
            self.send_error(403, "wrong password")
        return ok

    def _reply(self, value: int) -> None:
        body = str(value).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self._allowed():
            with lock:
                self._reply(data.get(self.path.strip("/"), 0))

    def do_POST(self) -> None:
        if self._allowed() and self.path.endswith("/incr"):
            key = self.path.strip("/").rsplit("/", 1)[0]
            with lock:
                data[key] = data.get(key, 0) + 1
                self._reply(data[key])

    def log_message(self, *args: object) -> None:
        pass


http.server.ThreadingHTTPServer((address, port), Handler).serve_forever()
