"""Jobs run on every host at once, as cron starts them: each outbox message is delivered exactly once."""

import subprocess
import sys
import uuid
from collections import Counter

from app.core.mail import OutboxMessage
from app.extensions import db
from tests.scale.cluster import ROOT
from tests.scale.world import rows, seeding
from tests.smtp_sink import running_sink

MESSAGES = 200


def test_two_mail_senders_at_once_deliver_each_message_exactly_once(cluster, cluster_app):
    run = uuid.uuid4().hex[:8]
    addresses = [f"mail-{run}-{i}@cluster.example" for i in range(MESSAGES)]
    with seeding(cluster_app):
        db.session.add_all([OutboxMessage(to_address=address, subject="Tes", body_text="Halo", body_html="<p>Halo</p>",
                                          locale="id", template="test") for address in addresses])
        db.session.commit()
    # A little slow, as a real relay is: 200 messages take one sender 4 s, so the two runs overlap.
    with running_sink(delay_s=0.02) as (sink, port):
        env = {**cluster.env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "0"}
        senders = [subprocess.Popen([sys.executable, "-m", "flask", "mail", "send", "--limit", str(MESSAGES)],  # noqa: S603
                                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                   for _ in range(2)]
        outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    assert [sender.returncode for sender in senders] == [0, 0], outputs
    received = Counter(sink.recipients)
    mine = {address: received[address] for address in addresses}
    assert Counter(mine.values()) == Counter({1: MESSAGES}), f"deliveries per message: {Counter(mine.values())}"
    with seeding(cluster_app):
        states = rows("SELECT status, attempts, count(*) FROM outbox_message WHERE to_address LIKE :p"
                      " GROUP BY status, attempts", p=f"mail-{run}-%")
    assert [tuple(r) for r in states] == [("sent", 1, MESSAGES)]
    # Both ran at the same time and shared the outbox (each says "sent N, failed 0" on its last line).
    shares = [int(output.strip().splitlines()[-1].split(",")[0].removeprefix("sent ")) for output in outputs]
    assert sum(shares) == MESSAGES and min(shares) > 0, outputs
