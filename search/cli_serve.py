"""`referat serve`: the search in a browser, on loopback unless told otherwise."""
from __future__ import annotations

import errno
import os
import socket
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from starlette.applications import Starlette

from .cli import index_option


def _check_free(host: str, port: int) -> None:
    """A taken port or an address not on this machine as a one-line usage error, before uvicorn starts."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise click.UsageError(f"cannot listen on {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            hint = "; choose another with --port" if exc.errno == errno.EADDRINUSE else ""
            raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror}{hint}") from None


@click.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Loopback by default; 0.0.0.0 serves every network the machine is on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, show_default="one per core",
              help="Server processes. A search holds one core while it runs, so one per core serves as many "
                   "users at once as the machine can; fewer save memory.")
def serve(index_dir: str, host: str, port: int, workers: int | None) -> None:
    """Serve search, items, sources, an Atom feed and a JSON API in the browser (read-only).

    The pages follow the index: a reindex that commits is seen by the next page, without a restart.
    A missing index gives a page that says how to build it. Stop with Ctrl-C.

    \b
    Example:
      referat serve --index ./ix
      (then open http://127.0.0.1:8080/ in a browser)
    """
    import uvicorn

    from indexer.build import usable_cores

    from .web.app import create_app

    _check_free(host, port)
    workers = workers or usable_cores()
    click.echo(f"referat: serving {index_dir} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    app: Starlette | str
    if workers == 1:
        app = create_app(index_dir)
    else:  # each process imports the app by name and finds the index in the environment
        os.environ["REFERAT_INDEX"] = str(index_dir)
        app = "search.web.app:app_from_environment"
    uvicorn.run(app, factory=isinstance(app, str), workers=workers, host=host, port=port, log_level="warning",
                server_header=False, proxy_headers=False, access_log=False)
