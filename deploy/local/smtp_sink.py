"""A real SMTP server for development and tests (the `smtp` component of deploy/local/infra.sh): aiosmtpd
on 127.0.0.1, every message it accepts written as one .eml file into a directory, nothing relayed.

    python deploy/local/smtp_sink.py --port 1025 --dir .run/mail
"""

import argparse
import asyncio
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class EmlDirectory:
    """aiosmtpd handler: DATA -> <dir>/<time>-<id>.eml, written under a temporary name and renamed, so a
    reader never sees half a message."""

    def __init__(self, directory: Path) -> None:
        self._dir = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode()
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        partial = self._dir / f".{name}.part"
        partial.write_bytes(content)
        os.replace(partial, self._dir / name)
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, directory: Path) -> None:
    loop = asyncio.get_running_loop()
    handler = EmlDirectory(directory)

    def protocol() -> Any:
        return SMTP(handler, hostname="anpr-smtp-sink", data_size_limit=10 * 1024 * 1024)

    server = await loop.create_server(protocol, host, port)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
