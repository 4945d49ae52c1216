#!/usr/bin/env python3
"""Throwaway SMTP server (aiosmtpd) for SigmaMail's integration tests.

Listens on 127.0.0.1 on a free port and writes "<port>\n" to <dir>/ready once it accepts
connections. Every accepted message is stored as <dir>/<n>.eml (the DATA bytes exactly as
received, after SMTP dot-unstuffing) plus <dir>/<n>.json ({"mail_from", "rcpt_tos"}).

Options:
  --dir DIR                 where to write (required)
  --auth USER:PASSWORD      require AUTH (LOGIN/PLAIN) with these credentials
  --starttls                offer and require STARTTLS (self-signed cert made with `openssl`)
  --smtps                   implicit TLS on connect (same certificate)
  --refuse ADDR=REPLY       reply REPLY (e.g. "550 5.1.1 unknown user") to RCPT TO:<ADDR>
  --refuse-all REPLY        reply REPLY to every RCPT TO
  --data-reply REPLY        reply REPLY after DATA instead of accepting the message
  --silent                  accept connections but never say anything (time-out tests)

The certificate (CN/SAN localhost and 127.0.0.1) is written to <dir>/cert.pem; a client
trusting that file verifies the server properly. Runs until SIGTERM/SIGINT.
"""
import argparse
import asyncio
import json
import os
import signal
import ssl
import subprocess
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def make_certificate(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class Handler:
    def __init__(self, directory, refuse, refuse_all, data_reply):
        self.directory = directory
        self.refuse = refuse
        self.refuse_all = refuse_all
        self.data_reply = data_reply
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address) or self.refuse_all
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Message accepted for delivery"


def main():
    warnings.simplefilter("ignore")
    # A parent that spawns us from a thread with signals blocked (libdispatch does) passes that
    # mask on; unblock so that SIGTERM stops the server.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parent = os.getppid()
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--auth")
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--smtps", action="store_true")
    parser.add_argument("--refuse", action="append", default=[])
    parser.add_argument("--refuse-all")
    parser.add_argument("--data-reply")
    parser.add_argument("--silent", action="store_true")
    args = parser.parse_args()

    refuse = dict(item.split("=", 1) for item in args.refuse)
    handler = Handler(args.dir, refuse, args.refuse_all, args.data_reply)
    tls = make_certificate(args.dir) if (args.starttls or args.smtps) else None

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode() and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False)

    class Silent(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport

    def factory():
        if args.silent:
            return Silent()
        return SMTP(
            handler,
            hostname="sigma-test-smtp",
            tls_context=tls if args.starttls else None,
            require_starttls=args.starttls,
            authenticator=authenticator,
            auth_required=bool(args.auth),
            auth_require_tls=False,
            auth_exclude_mechanism=["CRAM-MD5"],
        )

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            factory, host="127.0.0.1", port=0, ssl=tls if args.smtps else None)
        port = server.sockets[0].getsockname()[1]
        with open(os.path.join(args.dir, "ready.tmp"), "w") as f:
            f.write(f"{port}\n")
        os.rename(os.path.join(args.dir, "ready.tmp"), os.path.join(args.dir, "ready"))
        stop = loop.create_future()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))

        async def watch_parent():
            while not stop.done():
                if os.getppid() != parent:
                    stop.set_result(None)
                await asyncio.sleep(0.5)

        watcher = asyncio.ensure_future(watch_parent())
        await stop
        watcher.cancel()
        server.close()
        await server.wait_closed()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
