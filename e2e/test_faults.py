"""Faults injected into the running stack: nothing is lost, nothing is sent twice."""

import signal
import subprocess
import threading
import time

from e2e.conftest import (
    HEAD_ADMIN,
    MTM,
    REGISTRAR,
    ask_for_password_reset,
    fetch,
    log_in,
    mail_rows,
    session_cookies,
    wait_until,
)
from e2e.stack import PYTHON, ROOT

OTHER_REGISTRAR = "registrerare@sundbyberg.example"


def tasks_for(stack, to):
    """Statuses of the delivery tasks of every mail to `to`."""
    return [
        status
        for (status,) in stack.sql(
            "SELECT t.status FROM django_tasks_database_dbtaskresult t"
            " JOIN notifications_outgoingmail m ON t.args_kwargs -> 'args' ->> 0 = m.id::text"
            ' WHERE t.task_path LIKE %s AND m."to" = %s ORDER BY t.enqueued_at',
            ("%.deliver_mail", to),
        )
    ]


def test_a_worker_killed_while_the_mail_server_stalls_on_data_sends_the_mail_once(
    stack, smtp, new_page, proved
):
    smtp.mode = "stall"
    ask_for_password_reset(new_page(), HEAD_ADMIN)
    wait_until(smtp.stalling.is_set, "the worker sending, the server holding DATA")

    stack.stop_process("worker", signal.SIGKILL)
    wait_until(lambda: smtp.abandoned, "the server seeing the killed worker's connection drop")
    assert mail_rows(stack, HEAD_ADMIN) == [("queued", 0, "")]  # the attempt rolled back
    assert tasks_for(stack, HEAD_ADMIN) == ["RUNNING"]  # … and its task left claimed
    assert smtp.delivered_to(HEAD_ADMIN) == []

    smtp.mode = "accept"
    stack.start_worker()
    [mail] = wait_until(lambda: smtp.delivered_to(HEAD_ADMIN), "delivery by the new worker")
    wait_until(lambda: tasks_for(stack, HEAD_ADMIN) == ["SUCCESSFUL"], "the task recorded")
    # Nothing is left that could send it again.
    assert mail_rows(stack, HEAD_ADMIN) == [("sent", 1, "")]
    assert len(smtp.delivered_to(HEAD_ADMIN)) == 1
    [held] = smtp.held
    assert held["Message-ID"] == mail["Message-ID"]
    proved(
        "a worker SIGKILLed while the SMTP server stalled on DATA: after the lease a new "
        "worker delivered the mail exactly once, with the same Message-ID"
    )


def test_a_refusing_mail_server_gets_retries_with_back_off_then_the_mail(
    stack, smtp, new_page, proved
):
    smtp.mode = "refuse"
    ask_for_password_reset(new_page(), OTHER_REGISTRAR)
    wait_until(lambda: len(smtp.refused) >= 3, "three refused attempts", timeout=40)
    smtp.mode = "accept"
    wait_until(lambda: smtp.delivered_to(OTHER_REGISTRAR), "delivery once the server accepts")

    first, second, third = smtp.refused[:3]
    assert third - second > second - first  # the back-off grows (1, 2, 4 s in the stack)
    [(status, attempts, last_error)] = mail_rows(stack, OTHER_REGISTRAR)
    assert status == "sent" and attempts >= 4 and last_error == ""

    admin = log_in(stack, new_page(), MTM)
    admin.goto(f"/admin/notifications/outgoingmail/?q={OTHER_REGISTRAR}")
    row = admin.locator("#result_list tbody tr").first
    cells = row.locator("td").all_inner_texts()
    assert OTHER_REGISTRAR in cells and "Skickat" in cells and str(attempts) in cells, cells
    proved(
        f"an SMTP server refusing (451) got {len(smtp.refused)} attempts with growing "
        f"back-off, then the mail; Utgående e-post shows Skickat after {attempts} attempts"
    )


def test_a_postgresql_restart_fails_no_request_after_it(stack, smtp, new_page, proved):
    cookies = session_cookies(log_in(stack, new_page(), REGISTRAR))
    results = []  # (started, finished, status) of every request
    stop = threading.Event()

    def registrar_at_work():
        while not stop.is_set():
            for path in ("/", "/lantagare/lista/samtliga/"):
                started = time.monotonic()
                try:
                    status, _ = fetch(stack, path, cookies=cookies)
                except OSError:
                    status = "no answer"
                results.append((started, time.monotonic(), status))

    threads = [threading.Thread(target=registrar_at_work) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        restart_began = time.monotonic()
        stack.restart_postgres()
        restarted = time.monotonic()
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)

    before = [status for _, done, status in results if done < restart_began]
    after = [status for began, _, status in results if began > restarted]
    during = [s for began, done, s in results if done >= restart_began and began <= restarted]
    assert before and set(before) == {200}, before
    assert len(after) >= 10 and set(after) == {200}, after
    assert stack.processes["gunicorn"].poll() is None  # never restarted

    # The worker outlived it too: a mail queued afterwards is sent.
    ask_for_password_reset(new_page(), REGISTRAR)
    wait_until(lambda: smtp.delivered_to(REGISTRAR), "mail after the restart")
    proved(
        f"PostgreSQL restarted while registrars worked: {len(before)} requests before, "
        f"{len(during)} during ({sorted(set(map(str, during)))}), {len(after)} after, every "
        "one after it 200, gunicorn and the worker not restarted"
    )


def test_expiry_reminders_started_twice_at_once_remind_each_borrower_once(
    stack, smtp, new_page, proved
):
    cookies = session_cookies(log_in(stack, new_page(), REGISTRAR))
    stop = threading.Event()
    statuses = []

    def registrar_at_work():
        while not stop.is_set():
            statuses.append(fetch(stack, "/lantagare/lista/gar-ut/", cookies=cookies)[0])

    worker = threading.Thread(target=registrar_at_work)
    worker.start()
    try:
        runs = [
            subprocess.Popen(
                [PYTHON, "manage.py", "send_expiry_reminders"],
                cwd=ROOT,
                env=stack.env,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=120)[0].strip() for run in runs]
    finally:
        stop.set()
        worker.join(30)
    assert [run.returncode for run in runs] == [0, 0], outputs

    reminders = stack.sql(
        "SELECT context ->> 'borrower', \"to\", count(*) FROM notifications_outgoingmail"
        " WHERE kind = 'expiry_reminder' GROUP BY 1, 2"
    )
    assert len(reminders) >= 3 and {count for _, _, count in reminders} == {1}, reminders
    for _, to, _ in reminders:
        wait_until(lambda to=to: smtp.delivered_to(to), f"the reminder to {to}")
        assert len(smtp.delivered_to(to)) == 1
    assert statuses and set(statuses) == {200}, set(statuses)
    proved(
        f"send_expiry_reminders started twice at once while a registrar worked: "
        f"{len(reminders)} borrowers, one reminder each, delivered once ({' / '.join(outputs)})"
    )
