"""Biblioteksdatabasen in the tests: generated records for volume, and a local HTTP
server answering api/lib like the real one (never an outside address)."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

DATA = Path(__file__).resolve().parent / "data"

#: Swedish municipality codes the generator spreads libraries over (and one county).
CODES = ["0114", "0180", "0183", "0380", "0980", "1280", "1480", "2480", "2300"]
TYPES = ["folkbib", "skolbib", "gymbib", "univbib", "sjukbib", "specbib", "folkhogbib"]


def fixture(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def generated(count: int, *, prefix: str = "Gen") -> list[dict]:
    """`count` Swedish records with sigels Gen1, Gen2, … in turn over CODES and TYPES."""
    return [
        {
            "sigel": f"{prefix}{n}",
            "name": f"Genererat bibliotek {n}",
            "country_code": "se",
            "library_type": TYPES[n % len(TYPES)],
            "municipality_code": CODES[n % len(CODES)],
            "address": [
                {
                    "address_type": "gen",
                    "street": f"Biblioteksgatan {n}",
                    "zip_code": "123 45",
                    "city": "Staden",
                }
            ],
            "contact": [],
        }
        for n in range(1, count + 1)
    ]


@contextmanager
def serving(records: list[dict], *, fail_at: int | None = None, body: bytes | None = None):
    """A local bibdb: /api/lib?dump=true&start=N&n=M answers records[N:N+M]. Yields
    (base URL, the queries asked); `fail_at`: the page start that answers 500;
    `body`: an answer given to every request instead."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            asked.append(query)
            start, size = int(query.get("start", 0)), int(query.get("n", 200))
            if url.path != "/api/lib" or start == fail_at:
                self.send_response(500 if url.path == "/api/lib" else 404)
                self.end_headers()
                return
            answer = body or json.dumps({"libraries": records[start : start + size]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()
