"""Sessions and attempt limits live in PostgreSQL and Redis, never in a worker: what one instance does, the other
knows."""

from tests.scale.browser import instance_of
from tests.scale.world import seeding, user


def test_both_instances_answer_through_the_balancer(cluster, browser):
    answered = {instance_of(browser().get("/healthz")) for _ in range(6)}
    assert answered == {"a", "b"}


def test_the_login_limit_is_counted_once_for_both_instances(cluster, cluster_app, browser):
    with seeding(cluster_app):
        email = user()
    person = browser()
    token = person.token("/login")  # then every attempt is one POST: round-robin gives them to A and B in turn
    counted = [person.post("/login", {"email": email, "password": "wrong password!"}, token) for _ in range(5)]
    assert [r.status_code for r in counted] == [200] * 5
    assert all("E-mail or password is wrong." in r.text for r in counted)
    # The next attempts are refused whichever instance takes them, the right password included.
    refused = [person.post("/login", {"email": email, "password": password}, token)
               for password in ("wrong password!", "correct horse battery", "wrong password!", "x" * 12)]
    assert [r.status_code for r in refused] == [429] * 4
    assert all(int(r.headers["Retry-After"]) > 0 for r in refused)
    assert {instance_of(r) for r in counted} == {"a", "b"}
    assert {instance_of(r) for r in refused} == {"a", "b"}


def test_a_logout_on_one_instance_ends_the_session_on_the_other(cluster, cluster_app, browser):
    with seeding(cluster_app):
        email = user()
    phone = browser().login(email, via="a")
    assert phone.get("/account", via="b").status_code == 200  # the session made on A is good on B
    stolen = dict(phone.cookies)  # a copy of the cookies (another tab, or someone who took them)
    logged_out = phone.post("/logout", token=phone.token("/account", via="a"), via="a")
    assert logged_out.status_code == 302
    phone.cookies = stolen
    refused = phone.get("/account", via="b")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")


def test_a_new_password_on_one_instance_ends_the_other_devices_sessions_on_the_other(cluster, cluster_app, browser):
    with seeding(cluster_app):
        email = user()
    laptop, phone = browser().login(email, via="a"), browser().login(email, via="b")
    assert phone.get("/account", via="b").status_code == 200
    changed = laptop.submit("/account/password", {"current_password": "correct horse battery",
                                                  "password": "a brand new passphrase", "password_confirm":
                                                  "a brand new passphrase"}, via="a")
    assert changed.status_code == 302 and changed.headers["Location"] == "/account"
    refused = phone.get("/account", via="b")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    # The device that changed it stays logged in, on every instance.
    assert laptop.get("/account", via="b").status_code == 200
    assert laptop.get("/account", via="a").status_code == 200
    browser().login(email, "a brand new passphrase", via="b")
