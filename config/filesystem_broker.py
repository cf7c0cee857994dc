"""kombu's filesystem transport, made safe for several writers and readers at once.

The embedded default passes Celery messages through files in the data folder. kombu's own
transport creates a message file and then writes it, so a worker listing the folder in between
reads an empty or half-written file and dies with a JSONDecodeError; two workers can also both
take the same file (it moves a claimed file across file systems, a copy). Here:

- a message is written under a temporary name that no reader looks at, flushed, then renamed
  to its final name: a reader sees the whole file or none;
- a reader claims a message by renaming it inside the folder (atomic: exactly one reader wins),
  then reads and deletes its claimed copy;
- an unreadable message (left by an older version, or a full disk) is set aside with a log line,
  never raised into the worker;
- the exchange tables (fanout bindings) are rewritten whole under a lock and renamed into place.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import uuid
from contextlib import contextmanager, suppress
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport.filesystem import exchange_queue_t
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

TEMPORARY_SUFFIX = ".writing"
CLAIMED_SUFFIX = ".claimed"
UNREADABLE_SUFFIX = ".unreadable"


def write_atomically(path: str, data: bytes) -> None:
    """Write `data` to a temporary name beside `path`, then rename it to `path`."""
    temporary = f"{path}.{uuid.uuid4().hex}{TEMPORARY_SUFFIX}"
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.remove(temporary)
        raise


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        path = os.path.join(self.data_folder_out, name)
        try:
            write_atomically(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add file {path!r} to directory") from exc

    def _get(self, queue):
        wanted = f"{queue}.msg"
        folder = self.data_folder_in
        for name in sorted(os.listdir(folder)):
            # Only finished messages of this queue: "<time>_<uuid>.<queue>.msg".
            if name.partition(".")[2] != wanted:
                continue
            source = os.path.join(folder, name)
            claimed = f"{source}.{uuid.uuid4().hex}{CLAIMED_SUFFIX}"
            try:
                os.rename(source, claimed)
            except FileNotFoundError:
                continue  # another reader took it first
            except OSError as exc:
                raise ChannelError(f"Cannot claim {source!r} from the queue") from exc
            try:
                with open(claimed, "rb") as file:
                    payload = file.read()
            except OSError as exc:
                raise ChannelError(f"Cannot read file {claimed!r} from queue.") from exc
            try:
                message = loads(bytes_to_str(payload))
            except (ValueError, UnicodeDecodeError):
                aside = source + UNREADABLE_SUFFIX
                os.replace(claimed, aside)
                logger.error("Unreadable message set aside: %s (%d bytes)", aside, len(payload))
                continue
            if self.store_processed:
                os.replace(claimed, os.path.join(self.processed_folder, name))
            else:
                os.remove(claimed)
            return message
        raise Empty()

    # --- exchange tables (fanout) ---------------------------------------------------------

    @contextmanager
    def _table_lock(self, exchange):
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(f"{file}.lock", "a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield file
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def get_table(self, exchange):
        file = self._exchange_file(exchange)
        try:
            text = file.read_text()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc
        try:
            return [exchange_queue_t(*q) for q in loads(text)]
        except (ValueError, TypeError):
            logger.error("Unreadable exchange table %s: treated as empty", file)
            return []

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        entry = exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            with self._table_lock(exchange) as file:
                queues = self.get_table(exchange)
                if entry not in queues:
                    queues.insert(0, entry)
                    write_atomically(str(file), str_to_bytes(json.dumps(queues)))
        except OSError as exc:
            raise ChannelError(f"Cannot bind {queue!r} to {exchange!r}") from exc

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        # The virtual channel's bookkeeping, then the table file (kombu's own rewrites in place).
        super(filesystem.Channel, self)._delete(
            queue, exchange, routing_key, pattern, *args, **kwargs
        )
        entry = exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._table_lock(exchange) as file:
            queues = self.get_table(exchange)
            if entry in queues:
                queues.remove(entry)
                write_atomically(str(file), str_to_bytes(json.dumps(queues)))


class Transport(filesystem.Transport):
    Channel = Channel
    global_state = filesystem.Transport.global_state
