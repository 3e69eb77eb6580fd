"""The hello page: greeting from a file, visit count from kvstore when related."""

import html
import http.server
import json
import os
import sys
import urllib.request

address, port, charm_dir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def visits() -> str:
    try:
        with open(os.path.join(charm_dir, "store.json")) as f:
            store = json.load(f)
    except (OSError, ValueError):
        return "not counted (no store related)"
    req = urllib.request.Request(f"http://{store['host']}:{store['port']}/visits/incr", method="POST",
                                 headers={"X-Password": store["password"]})
    try:
        return NO_PROXY.open(req, timeout=2).read().decode() + f" (counted by kvstore at {store['host']})"
    except OSError as e:
        return f"unknown: {e}"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        with open(os.path.join(charm_dir, "greeting")) as f:
            greeting = f.read().strip()
        body = (
            f"<!doctype html><title>hello</title><h1>{html.escape(greeting)}</h1>"
            f"<p>Served by {html.escape(os.environ.get('UNIT', '?'))} at {address}.</p>"
            f"<p>Visits: {html.escape(visits())}</p>\n"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


http.server.ThreadingHTTPServer((address, port), Handler).serve_forever()
