"""Baseline for bench/bench_http.py: a bare Starlette app that serves one static JSON document.

It is the ceiling fediart's hot GETs are compared with: the same server stack (Starlette under uvicorn,
started with the same options `fediart serve` passes: uvloop/httptools picked automatically, no access
log, no Server header, proxy headers on, same worker count), but no middleware, no cache lookup and no
licence headers. The body is the exact bytes of a fediart actor document, read from the file named in
BASELINE_BODY_FILE, so both servers put the same document on the wire.

    BASELINE_BODY_FILE=actor.json .venv/bin/python bench/baseline_app.py --port 8001 --workers 1
    curl -H 'Accept: application/activity+json' http://127.0.0.1:8001/users/ana

It only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

BODY_ENV = "BASELINE_BODY_FILE"
MEDIA_TYPE = "application/activity+json"


def app_factory() -> Starlette:
    # Read in each worker process (uvicorn imports the factory afresh in every worker it spawns);
    # the environment variable is inherited, a module global set in the parent would not be.
    body = Path(os.environ[BODY_ENV]).read_bytes()

    async def actor(request: Request) -> Response:
        return Response(body, media_type=MEDIA_TYPE)

    # Same route shape as fediart's actor route, so routing costs the same.
    return Starlette(routes=[Route("/users/{username}", actor)])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Static-JSON Starlette baseline for bench_http.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not os.environ.get(BODY_ENV):
        parser.error(f"set {BODY_ENV} to the file holding the JSON body")
    # Mirrors fediart.cli.cmd_serve: only the application differs.
    uvicorn.run(
        "baseline_app:app_factory",
        factory=True,
        app_dir=str(Path(__file__).resolve().parent),
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        access_log=False,
        proxy_headers=True,
        server_header=False,
    )


if __name__ == "__main__":
    main()
