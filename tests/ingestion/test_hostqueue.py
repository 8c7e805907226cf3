"""A batch's queue: hosts take turns, each within its in-flight limit; a URL put back waits."""

from __future__ import annotations

import threading
import time

from ingestion.hostqueue import HostQueue


def _queue(items, *, limit=0, deadline=float("inf"), clock=time.monotonic):
    return HostQueue(
        items,
        host=lambda item: item.split("/")[0],
        limit=lambda _item: limit,
        deadline=deadline,
        clock=clock,
    )


def test_hosts_take_turns():
    queue = _queue(["a/1", "a/2", "a/3", "b/1", "c/1", "c/2"])

    taken = []
    while (item := queue.take()) is not None:
        taken.append(item)
        queue.done(item)

    assert taken == ["a/1", "b/1", "c/1", "a/2", "c/2", "a/3"]


def test_threads_worth_having_are_per_host_its_urls_up_to_its_limit():
    items = ["a/1", "a/2", "a/3", "b/1"]

    assert _queue(items, limit=2).useful_threads(16) == 3  # a: 2 (its limit), b: 1
    assert _queue(items).useful_threads(2) == 3  # no limit: at most 2 per host


def test_a_host_at_its_limit_is_skipped_until_a_slot_frees():
    queue = _queue(["a/1", "a/2", "a/3", "b/1"], limit=2)

    first = [queue.take(), queue.take(), queue.take()]
    assert first == ["a/1", "b/1", "a/2"]  # a/3 must wait: a has 2 in flight

    got = []
    waiter = threading.Thread(target=lambda: got.append(queue.take()))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive() and got == []
    queue.done("a/1")
    waiter.join(5)
    assert got == ["a/3"]


def test_a_url_put_back_goes_first_once_its_host_is_ready_and_others_go_meanwhile():
    queue = _queue(["a/1", "a/2", "b/1"])

    assert queue.take() == "a/1"
    queue.later("a/1", 0.3)

    assert queue.take() == "b/1"  # a is not ready: the other host's URL goes meanwhile
    started = time.monotonic()
    assert queue.take() == "a/1"  # then a's line, in order, once the pause is over
    assert time.monotonic() - started >= 0.25
    assert queue.take() == "a/2"


def test_nothing_is_handed_out_after_the_deadline_or_a_close():
    now = [0.0]
    queue = _queue(["a/1", "b/1", "c/1"], deadline=10.0, clock=lambda: now[0])

    assert queue.take() == "a/1"
    now[0] = 10.0
    assert queue.take() is None
    assert queue.leftovers() == ["b/1", "c/1"]

    closed = _queue(["a/1"])
    closed.close()
    assert closed.take() is None
    assert closed.leftovers() == ["a/1"]


def test_a_host_busy_elsewhere_waits_for_one_of_its_own_requests_to_finish():
    queue = _queue(["a/1", "a/2", "a/3", "b/1"], limit=4)
    assert [queue.take(), queue.take()] == ["a/1", "b/1"]
    queue.done("b/1")
    assert queue.take() == "a/2"
    queue.busy("a/2", 60)  # a's shared slots are all taken: not asked again for now

    got = []
    waiter = threading.Thread(target=lambda: got.append(queue.take()))
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive() and got == []  # a/1 still in flight, a/2 and a/3 wait
    queue.done("a/1")  # one of ours finished: its slot is the likeliest next one
    waiter.join(5)
    assert got == ["a/2"]


def test_a_host_busy_with_none_of_ours_in_flight_is_asked_again_after_the_wait():
    queue = _queue(["a/1", "a/2"], limit=4)
    assert queue.take() == "a/1"
    started = time.monotonic()
    queue.busy("a/1", 0.2)

    assert queue.take() == "a/1"
    assert time.monotonic() - started >= 0.2


def test_urls_added_later_join_their_hosts_lines():
    queue = _queue(["a/1"])

    assert queue.take() == "a/1"
    queue.add(["b/1", "a/2"])
    assert queue.waiting() == 2
    assert sorted([queue.take(), queue.take()]) == ["a/2", "b/1"]


def test_a_host_refused_as_busy_gets_what_the_queue_holds_there_then_grows_back():
    """Other processes hold some of a host's shared slots: after a refusal the queue asks for
    no more than it holds, and asks for one more after SHARE_GROWTH requests went through."""
    from ingestion import hostqueue

    queue = _queue([f"a/{n}" for n in range(12)], limit=4)
    held = [queue.take(), queue.take()]
    refused = queue.take()
    queue.busy(refused, 0.0)  # the third request found the host's slots all taken

    assert queue.useful_threads(16) == 2  # what it holds in flight
    for _ in range(hostqueue.SHARE_GROWTH):
        queue.done(held.pop())
        held.append(queue.take())
    assert len(held) == 2
    held.append(queue.take())  # the share grew to three
    assert None not in held and len(held) == 3


def test_an_idle_thread_ends_while_another_still_takes_but_the_last_one_stays():
    queue = _queue(["a/1", "a/2"], limit=1)
    queue.join()
    queue.join()
    assert queue.take() == "a/1"  # a is at its limit: the other thread has nothing to do

    assert queue.take(idle_exit=0.05) is None
    assert queue.takers() == 1
    got = []
    last = threading.Thread(target=lambda: got.append(queue.take(idle_exit=0.05)))
    last.start()
    last.join(0.3)
    assert last.is_alive()  # the last thread waits for a/2 instead of leaving it behind
    queue.done("a/1")
    last.join(5)
    assert got == ["a/2"]
