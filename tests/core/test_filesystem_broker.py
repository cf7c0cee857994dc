"""The embedded default's broker: several processes enqueue and dequeue at once through files.

kombu's own filesystem transport lets a reader open a message file its writer has created but
not yet written (JSONDecodeError in the worker); the board's variant writes each message under
a temporary name and renames it, and a reader claims a file by renaming it.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
import traceback
from pathlib import Path

import pytest
from kombu import Connection

TRANSPORT = "config.filesystem_broker:Transport"
PRODUCERS, CONSUMERS, MESSAGES_EACH = 4, 4, 150


def _connection(folder: Path, transport: str) -> Connection:
    return Connection(
        "filesystem://",
        transport=transport,
        transport_options={
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "polling_interval": 0.01,
        },
    )


def _produce(folder: Path, transport: str, number: int, errors) -> None:
    try:
        with _connection(folder, transport) as conn:
            jobs = conn.SimpleQueue("hammer")
            for i in range(MESSAGES_EACH):
                # Bodies large enough that a write takes more than one system call.
                jobs.put({"id": f"{number}-{i}", "padding": "x" * 200_000})
            jobs.close()
    except Exception:
        errors.put(traceback.format_exc())


def _consume(folder: Path, transport: str, received, errors, done) -> None:
    try:
        with _connection(folder, transport) as conn:
            jobs = conn.SimpleQueue("hammer")
            while True:
                try:
                    message = jobs.get(timeout=0.5)
                except queue_module.Empty:
                    if done.is_set():
                        break
                    continue
                received.put(message.payload["id"])
                message.ack()
            jobs.close()
    except Exception:
        errors.put(traceback.format_exc())


def hammer(folder: Path, transport: str = TRANSPORT) -> tuple[list[str], list[str]]:
    """Run producers and consumers side by side; return (ids received, errors)."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    received, errors, done = context.Queue(), context.Queue(), context.Event()
    consumers = [
        context.Process(target=_consume, args=(folder, transport, received, errors, done))
        for _ in range(CONSUMERS)
    ]
    producers = [
        context.Process(target=_produce, args=(folder, transport, n, errors))
        for n in range(PRODUCERS)
    ]
    for process in consumers + producers:
        process.start()
    for process in producers:
        process.join(timeout=120)
    ids: list[str] = []
    expected = PRODUCERS * MESSAGES_EACH
    # Drain while the consumers work; stop them once everything arrived (or they died).
    while len(ids) < expected and any(p.is_alive() for p in consumers):
        try:
            ids.append(received.get(timeout=10))
        except queue_module.Empty:
            break
    done.set()
    for process in consumers:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    while True:
        try:
            ids.append(received.get_nowait())
        except queue_module.Empty:
            break
    found_errors = []
    while True:
        try:
            found_errors.append(errors.get_nowait())
        except queue_module.Empty:
            break
    return ids, found_errors


@pytest.mark.skipif(os.name != "posix", reason="the filesystem broker locks with fcntl")
def test_every_message_arrives_once_with_four_writers_and_four_readers(tmp_path):
    ids, errors = hammer(tmp_path)
    assert errors == []
    expected = {f"{n}-{i}" for n in range(PRODUCERS) for i in range(MESSAGES_EACH)}
    assert sorted(ids) == sorted(expected)  # each exactly once
    assert os.listdir(tmp_path / "queue") == []  # nothing half-written or claimed left behind


def test_an_unreadable_message_is_set_aside_and_the_next_one_delivered(tmp_path):
    for sub in ("queue", "processed", "control"):
        (tmp_path / sub).mkdir()
    with _connection(tmp_path, TRANSPORT) as conn:
        jobs = conn.SimpleQueue("hammer")
        # What kombu's own transport leaves when a reader comes too early: an empty file.
        (tmp_path / "queue" / "0_broken.hammer.msg").write_bytes(b"")
        jobs.put({"id": "after"})
        message = jobs.get(timeout=5)
        message.ack()
        assert message.payload == {"id": "after"}
        jobs.close()
    left = os.listdir(tmp_path / "queue")
    assert left == ["0_broken.hammer.msg.unreadable"]
