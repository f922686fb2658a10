"""A real S3 protocol server on loopback for tests (moto's server mode), a bucket per test, and a proxy
that records what fediart asks the bucket and can refuse one chosen upload, to see what a failure
half-way through leaves behind."""

from __future__ import annotations

import http.client
import threading
import uuid
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from fediart.config import Config, StorageConfig

KEY_ID, SECRET = "testing", "testing-secret"


def start_moto() -> tuple[object, str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


@pytest.fixture(scope="module")
def s3_endpoint():
    """One S3 server for a test module (imported by the modules that use it)."""
    server, endpoint = start_moto()
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    return new_bucket(s3_endpoint)


def s3_client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=KEY_ID,
                        aws_secret_access_key=SECRET)


def new_bucket(endpoint: str) -> str:
    name = f"media-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def with_s3(config: Config, endpoint: str, bucket: str, **settings) -> Config:
    """The config with [storage] pointing at the bucket (the backend s3 unless `backend` says otherwise)."""
    storage = StorageConfig(**{"backend": "s3", "endpoint": endpoint, "bucket": bucket, "access_key_id": KEY_ID,
                               "secret_access_key": SECRET, **settings})
    return replace(config, storage=storage)


def objects(endpoint: str, bucket: str) -> dict[str, dict]:
    """Every object in the bucket: its key mapped to what a HEAD answers (ContentType, Metadata, ...)."""
    client = s3_client(endpoint)
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents", [])]
    return {key: client.head_object(Bucket=bucket, Key=key) for key in keys}


class RefusingProxy:
    """Forwards to the S3 server, recording each request as (method, path, Range header) in `seen`, but
    answers the `refuse_put`-th object upload with 403 AccessDenied (none when 0)."""

    def __init__(self, upstream: str, refuse_put: int = 0) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.refuse_put = refuse_put
        self.puts = 0
        self.seen: list[tuple[str, str, str | None]] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    proxy.seen.append((self.command, self.path, self.headers.get("Range")))
                if self.command == "PUT" and self.path.count("/") >= 2:  # an object, not a bucket
                    with proxy.lock:
                        proxy.puts += 1
                        refuse = proxy.puts == proxy.refuse_put
                    if refuse:
                        answer = b"<Error><Code>AccessDenied</Code><Message>refused by the test</Message></Error>"
                        self.send_response(403)
                        self.send_header("Content-Type", "application/xml")
                        self.send_header("Content-Length", str(len(answer)))
                        self.end_headers()
                        self.wfile.write(answer)
                        return
                connection = http.client.HTTPConnection(proxy.upstream, timeout=30)
                connection.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                # A HEAD has no body, but its Content-Length is the object's size: pass that on.
                length = response.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                connection.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
