"""The worker helper every panel uses: work runs off the GUI thread, and what it returns,
raises or reports comes back in the GUI thread, in order, and never to an owner that is gone."""

from __future__ import annotations

import threading

import pytest
from PyQt6 import sip
from PyQt6.QtCore import QObject
from PyQt6.QtWidgets import QApplication

from mt_studio.ui.common.worker import run_in_worker, wait_for_pool_work


@pytest.fixture
def owner(qapp):
    made = QObject()
    yield made
    if not sip.isdeleted(made):
        sip.delete(made)


def test_the_result_and_each_report_arrive_in_the_gui_thread_in_order(qtbot, owner):
    ran_in, arrived = [], []

    def work(report):
        ran_in.append(threading.current_thread().name)
        for fraction in (0.25, 0.5, 1.0):
            report(fraction)
        return "done"

    def heard(kind):
        return lambda value: arrived.append((kind, value, threading.current_thread()))

    worker = run_in_worker(owner, work, done=heard("done"), progress=heard("progress"),
                           thread="mt-studio-test")
    qtbot.waitUntil(lambda: len(arrived) == 4)
    assert ran_in == ["mt-studio-test"] and not worker.running
    assert [(kind, value) for kind, value, _thread in arrived] == [
        ("progress", 0.25), ("progress", 0.5), ("progress", 1.0), ("done", "done")]
    assert {thread for _kind, _value, thread in arrived} == {threading.main_thread()}


def test_work_in_the_pool_is_waited_for_and_its_result_comes_after(qtbot, owner):
    go, results = threading.Event(), []
    worker = run_in_worker(owner, lambda: go.wait(10) and threading.current_thread().name,
                           done=results.append)
    assert worker.running and not worker.wait(0.05)
    assert not wait_for_pool_work(0.05)  # still waiting for GO
    go.set()
    assert wait_for_pool_work(10) and worker.wait(0) and not worker.running
    assert results == []  # handed over by the event loop, not by the worker itself
    qtbot.waitUntil(lambda: results != [])
    assert results != ["MainThread"]


def test_an_error_goes_to_failed_and_without_failed_to_the_excepthook(qtbot, owner):
    failures = []
    run_in_worker(owner, lambda: 1 / 0, done=failures.append, failed=failures.append)
    qtbot.waitUntil(lambda: failures != [])
    assert isinstance(failures[0], ZeroDivisionError)

    with qtbot.captureExceptions() as caught:
        worker = run_in_worker(owner, lambda: [][1], done=failures.append, thread="mt-test")
        worker.wait(10)
        qtbot.waitUntil(lambda: caught != [])
    assert caught[0][0] is IndexError and len(failures) == 1


def test_nothing_reaches_an_owner_deleted_while_the_work_ran(qtbot, owner):
    go, arrived = threading.Event(), []
    worker = run_in_worker(owner, lambda report: report(1) or go.wait(10),
                           done=arrived.append, progress=arrived.append, thread="mt-test")
    sip.delete(owner)  # the panel closed meanwhile
    go.set()
    assert worker.wait(10)
    QApplication.processEvents()
    last = run_in_worker(QObject(QApplication.instance()), lambda: "later", arrived.append)
    qtbot.waitUntil(lambda: not last.running)
    qtbot.waitUntil(lambda: arrived == ["later"])  # the deleted owner's came first: none
