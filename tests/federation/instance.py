"""Running fediart instances as real processes on loopback ports, for federation tests.

Each instance has its own config, database (SQLite file, or its own PostgreSQL schema) and media
folder, and is driven through its real CLI and real HTTP, as an admin and a remote server would.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, root: Path, database: dict, name: str, **worker) -> None:
        self.root = root / name
        self.root.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = free_port()
        self.domain = f"127.0.0.1:{self.port}"
        self.base_url = f"http://{self.domain}"
        self.config_path = self.root / "fediart.toml"
        self.process: subprocess.Popen | None = None
        self.log_path = self.root / "server.log"
        if database["url"].startswith("sqlite"):
            url, schema = f"sqlite+aiosqlite:///{self.root}/fediart.sqlite3", ""
        else:
            url, schema = database["url"], f"{database['schema']}_{name}"
        self.schema = schema
        settings = {"lease_seconds": 5.0, "poll_seconds": 0.2, **worker}
        worker_lines = "".join(f"{k} = {v!r}\n".replace("True", "true").replace("False", "false")
                               for k, v in settings.items())
        self.config_path.write_text(
            f'[server]\ndomain = "{self.domain}"\nport = {self.port}\ninstance_name = "{name}"\n'
            f'document_cache_seconds = 0.0\n'
            f'[database]\nurl = "{url}"\nschema = "{schema}"\n'
            f'[media]\ndir = "{self.root}/media"\n'
            f'[federation]\nallow_private_addresses = true\n'
            f'[worker]\n{worker_lines}'
        )

    def actor(self, username: str) -> str:
        return f"{self.base_url}/users/{username}"

    def handle(self, username: str) -> str:
        return f"@{username}@{self.domain}"

    def cli(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}
        env["FEDIART_LOG_LEVEL"] = "WARNING"
        result = subprocess.run([sys.executable, "-m", "fediart", *args, "--config", str(self.config_path)],
                                cwd=self.root, env=env, capture_output=True, text=True, timeout=120, input=input)
        if check and result.returncode != 0:
            raise AssertionError(f"[{self.name}] fediart {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    async def start(self, timeout: float = 30.0) -> None:
        if self.process is None:
            await asyncio.to_thread(self.cli, "migrate")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FEDIART_")}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "fediart", "serve", "--config", str(self.config_path)],
                                        cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient() as http:
            while True:
                try:
                    if (await http.get(self.base_url + "/.well-known/nodeinfo", timeout=1)).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"[{self.name}] did not start:\n{self.log()}")
                await asyncio.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


async def eventually(check, timeout: float = 20.0, interval: float = 0.2, what: str = "condition"):
    """Poll an async or plain check until it returns something truthy; the value is returned."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}; last value: {last!r}")
