"""pypiserver with the same command line, served by a THREADED stdlib WSGI server (bench only).

`pypi-server run --server wsgiref` (what src/testing/pypiserver.ts starts) serves one request at a time
with a listen backlog of 5: with ten uploads in flight the kernel drops connection attempts and the
clients retry them a second later, so a parallel publisher would be measuring that, not itself. This
runs the very same pypiserver app and options (`python threaded-pypiserver.py run ...`, the arguments
of `pypi-server`) on wsgiref's WSGIServer with ThreadingMixIn and a backlog of 128: still only the
Python standard library, closer to a real index that serves clients concurrently.
"""
import socketserver
import sys
import wsgiref.simple_server as simple

import pypiserver.__main__ as cli
from pypiserver import bottle_wrapper
from pypiserver.bottle_wrapper import bottle as _bottle


class ThreadedServer(socketserver.ThreadingMixIn, simple.WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class ThreadedAdapter(_bottle.ServerAdapter):
    def run(self, handler):
        handler_class = self.options.get("handler_class", simple.WSGIRequestHandler)
        simple.make_server(self.host, self.port, handler, ThreadedServer, handler_class).serve_forever()


_run = bottle_wrapper.run


def run(*args, **kwargs):
    kwargs["server"] = ThreadedAdapter
    return _run(*args, **kwargs)


bottle_wrapper.run = run
cli.main(sys.argv[1:])
