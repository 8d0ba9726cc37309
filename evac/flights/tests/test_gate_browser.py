"""The gate in a real Chromium, phone-sized: the agent types a pass reference and boards a person; then
the network goes, the page checks passes against the list and the flight's key on the device (the
signature checked by the browser's WebCrypto), records the scans, and sends them when the network
returns, with the conflict (the same pass boarded at another gate meanwhile) listed, not lost. No
policy violation, no script error. The camera is not available headless: a handheld reader types the
QR code's content, which is what the test does for the tokens."""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evac.accounts.roles import Role
from evac.audit.services import Origin
from evac.conftest import make_case, make_org, make_user
from evac.core import references
from evac.core.tests.test_csp_in_browser import REPORT_VIOLATIONS, console_error, sign_in_as
from evac.flights import gate, tokens
from evac.flights.models import BoardingPass, GateScan
from evac.flights.passes import claims_for, token_for
from evac.flights.tests.gate_factories import make_flight, placed_with_passes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def find(page, text: str) -> None:
    page.locator("#reference").fill(text)
    page.locator("#typed button[type=submit]").click()


def test_an_agent_boards_online_then_offline_and_the_sync_reports_the_conflict(browser_page, live_server):
    page = browser_page
    canada = make_org("canada")
    agent = make_user(canada, Role.CHECKIN_AGENT, "agent")
    other_agent = make_user(canada, Role.CHECKIN_AGENT, "north")
    flight = make_flight(canada)
    passes = placed_with_passes(make_case(canada), flight)

    problems: list[str] = []
    page.expose_function("reportViolation", lambda text: problems.append(f"CSP {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: console_error(message) and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    sign_in_as(page, live_server, agent)
    page.goto("/o/canada/gate/")
    page.get_by_role("link", name="CFC4021").click()
    page.wait_for_selector("#gate.ready")
    assert "4 passes" in page.locator("#list-state").inner_text()
    page.locator("#gate-name").fill("Abbey Gate")
    page.locator("#gate-name").dispatch_event("change")

    # Online: type the reference, see the family, board.
    find(page, references.display(passes[0].reference))
    page.wait_for_selector("#person:not([hidden])")
    assert page.locator("#person-name").inner_text() == "Mohammad Wali Ahmadzai"
    assert "1986" in page.locator("#person-born").inner_text()
    assert "678" in page.locator("#person-document").inner_text()
    assert page.locator("#family li").count() == 4
    page.screenshot(path="var/browser-gate-found.png", full_page=True)
    page.locator("#board").click()
    page.wait_for_selector("#message.good")
    assert page.locator("#message").inner_text() == "Boarded."
    assert BoardingPass.objects.get(pk=passes[0].pk).state == "boarded"
    assert BoardingPass.objects.get(pk=passes[0].pk).gate == "Abbey Gate"

    # Offline.
    page.context.set_offline(True)
    page.wait_for_selector("#network.off")
    # A token typed by a handheld reader, checked in the browser: signature and nonce.
    find(page, token_for(passes[1]))
    page.wait_for_selector("#person:not([hidden])")
    assert page.locator("#person-name").inner_text() == "Fatima"
    page.locator("#board").click()
    page.wait_for_selector("#message.good")
    assert "offline" in page.locator("#message").inner_text()
    # A forged token (the right content, another key) is caught offline by the signature check.
    forged = tokens.sign(claims_for(passes[3]), Ed25519PrivateKey.generate())
    find(page, forged)
    page.wait_for_selector("#message.bad")
    assert "Not a valid pass" in page.locator("#message").inner_text()
    # The pass boarded online earlier is known to the device as boarded: no second boarding here.
    find(page, references.display(passes[0].reference))
    page.wait_for_selector("#person:not([hidden])")
    assert page.locator("#board").is_disabled()
    # Meanwhile another gate, online, boards the pass this device is about to board offline.
    gate.apply_scan(
        flight,
        gate.ScanInput(uuid.uuid4(), "board", pass_id=passes[2].public_id, gate="North Gate"),
        agent=other_agent,
        origin=Origin(),
        offline=False,
    )
    find(page, references.display(passes[2].reference))
    page.wait_for_selector("#person:not([hidden])")
    page.locator("#board").click()
    page.wait_for_selector("#message.good")
    assert "2" in page.locator("#pending").inner_text()
    assert BoardingPass.objects.get(pk=passes[1].pk).state == "issued"  # not sent yet
    page.screenshot(path="var/browser-gate-offline.png", full_page=True)

    # Back online: the queue is sent, applied once each, and the conflict is listed.
    page.context.set_offline(False)
    page.wait_for_function("() => document.getElementById('pending').textContent === ''")
    page.wait_for_selector("#conflicts li")
    conflict = page.locator("#conflicts li").inner_text()
    assert "North Gate" in conflict and "Child0" in conflict
    boarded = BoardingPass.objects.get(pk=passes[1].pk)
    assert (boarded.state, boarded.gate, boarded.scanned_by) == ("boarded", "Abbey Gate", agent)
    assert GateScan.objects.filter(offline=True).count() == 2
    assert GateScan.objects.get(offline=True, outcome="already_boarded").boarding_pass_id == passes[2].pk
    page.screenshot(path="var/browser-gate-synced.png", full_page=True)
    # The conflict survives a reload, until dismissed.
    page.reload()
    page.wait_for_selector("#gate.ready")
    assert page.locator("#conflicts li").count() == 1
    assert not problems, "\n".join(problems)


def test_the_applicants_qr_code_boards_at_the_gate(browser_page, live_server):
    """The applicant opens the passes from the status page; the QR code on the phone's screen, read back
    with the vendored jsQR, is a token the gate boards."""
    from django.contrib.auth.hashers import make_password

    from evac.cases.models import Application

    page = browser_page
    canada = make_org("canada")
    agent = make_user(canada, Role.CHECKIN_AGENT, "agent")
    case = make_case(canada)
    Application.objects.filter(pk=case.pk).update(applicant_secret_hash=make_password("ABCD2345"))
    flight = make_flight(canada)
    passes = placed_with_passes(case, flight)

    page.goto("/apply/fa/status/")
    page.locator("#id_reference").fill(case.display_reference)
    page.locator("#id_secret").fill("ABCD-2345")
    page.locator("button[type=submit].primary").click()
    page.locator("a.button[href$='/passes/']").click()
    page.wait_for_url("**/apply/fa/passes/")
    assert page.locator("article.boarding-pass").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="var/browser-passes.png", full_page=True)

    page.add_script_tag(url="/static/vendor/jsQR-1.4.0.js")
    token = page.evaluate(
        """async () => {
        const svg = document.querySelector("article.boarding-pass .qr svg").cloneNode(true);
        svg.setAttribute("width", "600");
        svg.setAttribute("height", "600");
        const markup = new XMLSerializer().serializeToString(svg);
        const image = new Image();
        image.src = "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(markup)));
        await image.decode();
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = 600;
        const context = canvas.getContext("2d");
        context.fillStyle = "#fff";
        context.fillRect(0, 0, 600, 600);
        context.drawImage(image, 0, 0, 600, 600);
        const data = context.getImageData(0, 0, 600, 600);
        const code = jsQR(data.data, 600, 600);
        return code ? code.data : null;
    }"""
    )
    assert token == token_for(passes[0])

    sign_in_as(page, live_server, agent)
    page.goto(f"/o/canada/gate/{flight.public_id}/")
    page.wait_for_selector("#gate.ready")
    page.locator("#gate-name").fill("Abbey Gate")
    page.locator("#gate-name").dispatch_event("change")
    find(page, token)
    page.wait_for_selector("#person:not([hidden])")
    page.locator("#board").click()
    page.wait_for_selector("#message.good")
    assert BoardingPass.objects.get(pk=passes[0].pk).state == "boarded"
