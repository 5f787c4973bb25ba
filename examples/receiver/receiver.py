#!/usr/bin/env python3
"""Example webhook receiver: prints every reghook delivery and answers 200.

Usage: receiver.py [--port 9000] [--secret whsec_...]
With --secret (or WEBHOOK_SECRET) it checks the Standard Webhooks signature of each delivery.
Standard library only.
"""
import argparse, base64, hashlib, hmac, json, os, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret, headers, body):
    key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret)
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    given = [s.split(",", 1)[1] for s in headers.get("webhook-signature", "").split() if "," in s]
    return any(hmac.compare_digest(expected, g) for g in given)


class Handler(BaseHTTPRequestHandler):
    secret = ""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        event = json.loads(body or b"{}")
        target = event.get("target", {})
        line = f"{event.get('action')} {target.get('repository', '')}"
        if target.get("tag"):
            line += f":{target['tag']}"
        if target.get("tags"):
            line += f" tags={','.join(target['tags'])}"
        if target.get("digest"):
            line += f" {target['digest'][:19]}"
        if self.secret:
            line += " signature=" + ("valid" if verify(self.secret, self.headers, body) else "INVALID")
        print(line, flush=True)
        print("  " + body.decode(), flush=True)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--secret", default=os.environ.get("WEBHOOK_SECRET", ""))
    args = parser.parse_args()
    Handler.secret = args.secret
    print(f"receiver listening on http://{args.bind}:{args.port}/", flush=True)
    ThreadingHTTPServer((args.bind, args.port), Handler).serve_forever()


if __name__ == "__main__":
    sys.exit(main())
