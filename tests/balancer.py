"""A loopback TCP load balancer for tests: new connections go to the first backend that is up; ``fail``
takes a backend out and cuts its open connections, as a health-checking balancer does when a replica dies."""

from __future__ import annotations

import asyncio
import threading

from tests.services import free_port


class Balancer:
    def __init__(self, backends: list[int]) -> None:
        self.backends = list(backends)
        self.down: set[int] = set()
        self.port = free_port()
        self.routed: list[int] = []  # the backend of each connection, in order
        self._open: dict[int, set[asyncio.StreamWriter]] = {port: set() for port in backends}
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-balancer", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        live = [port for port in self.backends if port not in self.down]
        if not live:
            writer.close()
            return
        backend = live[0]
        self.routed.append(backend)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            writer.close()
            return
        self._open[backend] |= {writer, upstream_writer}
        try:
            await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))
        finally:
            self._open[backend] -= {writer, upstream_writer}

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.close()

    def fail(self, backend: int) -> None:
        """The balancer's health check found ``backend`` dead: no new connections, open ones cut."""

        def cut() -> None:
            self.down.add(backend)
            for writer in list(self._open[backend]):
                writer.close()

        self._loop.call_soon_threadsafe(cut)

    def __enter__(self) -> Balancer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _shutdown(self) -> None:
        self._server.close()
        for writers in self._open.values():
            for writer in list(writers):
                writer.close()
        tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
