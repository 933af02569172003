"""A small SMTP server whose faults the tests switch on and off.

    controller, server = start_smtp_server(port)
    server.mode = "accept"   # 250: the mail is delivered (kept in server.delivered)
    server.mode = "refuse"   # 451 on DATA: a temporary failure, the sender retries
    server.mode = "stall"    # never answers the DATA: the sender waits (and may die)

A mail counts as delivered only once the 250 has been written: a client that
disconnects while the server stalls delivers nothing, as with a real server.
"""

import asyncio
import threading
import time
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


class FaultySmtpHandler:
    def __init__(self):
        self.mode = "accept"
        self.delivered: list[EmailMessage] = []
        self.refused: list[float] = []  # when each refusal happened (monotonic)
        self.held: list[EmailMessage] = []  # mail received, then stalled on
        self.abandoned = 0  # stalled sessions whose client went away
        self.stalling = threading.Event()  # set while a DATA is held

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=default_policy)
        if self.mode == "refuse":
            self.refused.append(time.monotonic())
            return "451 4.3.0 Try again later"
        if self.mode == "stall":
            self.held.append(message)
            self.stalling.set()
            try:
                while self.mode == "stall":
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # the client disconnected
                self.abandoned += 1
                raise
            finally:
                self.stalling.clear()
        self.delivered.append(message)
        return "250 2.0.0 Message accepted for delivery"

    def delivered_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.delivered if m["To"] == address]


def start_smtp_server(port: int) -> tuple[Controller, FaultySmtpHandler]:
    """Listen on 127.0.0.1:port in a thread; stop with controller.stop()."""
    handler = FaultySmtpHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler
