"""smtp_sink.py: a real SMTP server for test_smtp, storing each message it accepts in a directory.

Usage: /usr/bin/python3 smtp_sink.py [--port N] DIRECTORY
Listens on 127.0.0.1 on a free port (or on port N: a test that brings "the SMTP server" back on
the port it was down on), prints "PORT <n>" on stdout once it accepts connections,
and runs until stdin reaches end of file (the test closing its end, or dying) or SIGTERM.
Message N is stored as N.from (envelope sender), N.rcpt (recipients, one a line) and N.eml
(the DATA bytes exactly as received, after dot-unstuffing); N.eml appears last, atomically.
Recipients steer the replies: reject@... gets "550 no such user", later@... "451 try later",
baddata@... is accepted but the DATA is answered "554 content rejected".
AUTH PLAIN/LOGIN is offered without TLS; user "user" with password "secret" is accepted.
"""

import os
import socket
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject@"):
            return "550 no such user"
        if address.startswith("later@"):
            return "451 try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if any(r.startswith("baddata@") for r in envelope.rcpt_tos):
            return "554 content rejected"
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        with open(base + ".from", "w") as f:
            f.write(envelope.mail_from)
        with open(base + ".rcpt", "w") as f:
            f.write("".join(r + "\n" for r in envelope.rcpt_tos))
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 Message accepted for delivery"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"user" and auth_data.password == b"secret"
    # handled=False makes aiosmtpd answer a failure with 535 itself; its default (True) means
    # "already answered" and would leave the client waiting.
    return AuthResult(success=ok, handled=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    # aiosmtpd 1.4 warns about its own Session.login_data on every login; noise in test output.
    warnings.simplefilter("ignore", DeprecationWarning)
    args = sys.argv[1:]
    port = None
    if len(args) == 3 and args[0] == "--port":
        port = int(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: smtp_sink.py [--port N] DIRECTORY")
    directory = args[0]
    controller = Controller(
        Sink(directory),
        hostname="127.0.0.1",
        port=port or free_port(),
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    print("PORT", controller.port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
