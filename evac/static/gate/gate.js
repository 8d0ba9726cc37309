// The gate's page: scan a boarding pass (camera or typed reference), see who it is and their family,
// board or refuse. Online, every decision goes to the server at once. Offline, the page checks passes
// against the flight's list and public key kept on this device, records the scans here, and sends them
// when the network returns; the server applies each once and reports conflicts, which stay listed here.
//
// What this device keeps (localStorage, per flight): the list (pass ids, references, nonce hashes, the
// identity summaries, family grouping, states), the queue of scans not yet sent, and the conflicts not yet
// dismissed. "Forget this flight" removes them all.
(() => {
  "use strict";

  const root = document.getElementById("gate");
  if (!root) return;
  const S = JSON.parse(document.getElementById("gate-strings").textContent);
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const flightId = root.dataset.flight;
  const KEY = `evac.gate.${flightId}`;
  const $ = (id) => document.getElementById(id);

  const PREFIX = "EV1:";
  const DOMAIN = new TextEncoder().encode("evac boarding pass\u0000");
  const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

  // Storage

  const store = {
    get(name, fallback) {
      try {
        const value = JSON.parse(localStorage.getItem(`${KEY}.${name}`));
        return value === null ? fallback : value;
      } catch (_error) {
        return fallback;
      }
    },
    set(name, value) {
      localStorage.setItem(`${KEY}.${name}`, JSON.stringify(value));
    },
    drop(name) {
      localStorage.removeItem(`${KEY}.${name}`);
    },
  };
  let manifest = store.get("manifest", null);
  let queue = store.get("queue", []);
  let conflicts = store.get("conflicts", []);
  let publicKey = null;
  let current = null; // what is on screen: {entry, token, reference, state}

  const fmt = (template, values) =>
    template.replace(/%\((\w+)\)s/g, (_m, name) => (values[name] === undefined ? "" : String(values[name])));
  const normaliseRef = (text) => text.toUpperCase().replace(/[\s\-_.]/g, "");
  const clock = (date) => date.toTimeString().slice(0, 5);

  // Network

  class Offline extends Error {}
  class SignedOut extends Error {}

  async function request(url, body) {
    if (!navigator.onLine) throw new Offline();
    let response;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers: body === undefined ? {} : { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
      });
    } catch (_error) {
      throw new Offline();
    }
    // A redirect is the sign-in page: the session ended while the device was away.
    if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
      throw new SignedOut();
    }
    if (response.status >= 500) throw new Offline();
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || String(response.status));
    return data;
  }

  function showNetwork(text) {
    $("network").textContent = text || (navigator.onLine ? S.online : S.offline);
    $("network").className = `network ${navigator.onLine ? "on" : "off"}`;
    $("pending").textContent = queue.length ? fmt(S.pending, { count: queue.length }) : "";
  }

  // The list for offline use

  function b64bytes(text) {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }

  async function importKey() {
    publicKey = null;
    if (!manifest || !manifest.public_key || !window.crypto || !crypto.subtle) return;
    try {
      publicKey = await crypto.subtle.importKey("raw", b64bytes(manifest.public_key), { name: "Ed25519" }, false, [
        "verify",
      ]);
    } catch (_error) {
      // No Ed25519 in this browser's WebCrypto: offline checks fall back to the list (the nonce hash
      // must match), and the server checks the signature of every scan at the sync.
      publicKey = null;
    }
  }

  function showList() {
    if (!manifest) {
      $("list-state").textContent = S.not_ready;
      return;
    }
    $("list-state").textContent = fmt(S.list_saved, {
      count: manifest.passes.length,
      time: clock(new Date(manifest.generated_at)),
    });
  }

  async function refreshList() {
    try {
      const fresh = await request(root.dataset.manifestUrl);
      // Scans still queued here are newer than the server's list: keep their local states.
      const local = new Map(queue.map((scan) => [scan.pass_id, scan]));
      fresh.passes.forEach((entry) => {
        const scan = local.get(entry.id);
        if (scan) applyLocally(entry, scan);
      });
      manifest = fresh;
      store.set("manifest", manifest);
      await importKey();
    } catch (error) {
      if (error instanceof SignedOut) showNetwork(S.sign_in);
    }
    showList();
  }

  // Tokens, read and checked here when offline (the layout of evac/flights/tokens.py)

  function b45decode(text) {
    const out = [];
    for (let i = 0; i < text.length; i += 3) {
      const chunk = text.slice(i, i + 3);
      const values = Array.from(chunk, (c) => BASE45.indexOf(c));
      if (values.includes(-1)) throw new Error("base45");
      if (values.length === 3) {
        const n = values[0] + values[1] * 45 + values[2] * 2025;
        if (n > 0xffff) throw new Error("base45");
        out.push(n >> 8, n & 0xff);
      } else if (values.length === 2) {
        const n = values[0] + values[1] * 45;
        if (n > 0xff) throw new Error("base45");
        out.push(n);
      } else {
        throw new Error("base45");
      }
    }
    return new Uint8Array(out);
  }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  function uuidOf(bytes) {
    const h = hex(bytes);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function readToken(token) {
    if (!token.startsWith(PREFIX)) throw new Error("prefix");
    const raw = b45decode(token.slice(PREFIX.length));
    if (raw.length < 64 + 44) throw new Error("short");
    const payload = raw.slice(0, raw.length - 64);
    const signature = raw.slice(raw.length - 64);
    if (payload[0] !== 1) throw new Error("version");
    return {
      payload,
      signature,
      passId: uuidOf(payload.slice(1, 17)),
      flightId: uuidOf(payload.slice(17, 33)),
      nonce: payload.slice(33, 41),
    };
  }

  async function checkOffline(what) {
    if (!manifest) return { problem: S.not_ready };
    let entry;
    if (what.token) {
      let claims;
      try {
        claims = readToken(what.token);
      } catch (_error) {
        return { problem: S.forged };
      }
      if (claims.flightId !== flightId) return { problem: S.other_flight };
      if (publicKey) {
        const signed = new Uint8Array(DOMAIN.length + claims.payload.length);
        signed.set(DOMAIN);
        signed.set(claims.payload, DOMAIN.length);
        const valid = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, claims.signature, signed);
        if (!valid) return { problem: S.forged };
      }
      entry = manifest.passes.find((p) => p.id === claims.passId);
      if (!entry) return { problem: publicKey ? S.unknown : S.forged };
      const digest = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", claims.nonce)));
      if (digest !== entry.nonce_hash) return { problem: publicKey ? S.replaced : S.forged };
    } else {
      const wanted = normaliseRef(what.reference);
      entry = manifest.passes.find((p) => normaliseRef(p.reference) === wanted);
      if (!entry) return { problem: S.unknown };
    }
    if (entry.state === "void") return { problem: S.void };
    return { entry };
  }

  function applyLocally(entry, scan) {
    entry.state = scan.action === "board" ? "boarded" : "refused";
    entry.gate = scan.gate;
    entry.at = clock(new Date(scan.scanned_at));
    entry.by = "";
    entry.refusal_reason = scan.action === "refuse" ? scan.reason : "";
    entry.pending = true;
  }

  function familyOf(entry) {
    return manifest.passes.filter((p) => p.family === entry.family);
  }

  function localWarning(entry) {
    const values = { gate: entry.gate || "?", time: entry.at, reason: entry.refusal_reason };
    if (entry.state === "boarded") return fmt(S.boarded_here, values);
    if (entry.state === "refused") return fmt(S.refused_here, values);
    return "";
  }

  // The screen

  function showMessage(text, kind) {
    $("result").hidden = false;
    $("message").textContent = text;
    $("message").className = `gate-message ${kind || ""}`;
  }

  function showPerson(entry, family, warning) {
    $("person").hidden = false;
    $("person-name").textContent = entry.name;
    $("person-native").textContent = entry.native_name || "";
    $("person-born").textContent = entry.birth_year || "—";
    const kinds = { P: "passport", T: "tazkira" };
    $("person-document").textContent = entry.document
      ? `${kinds[entry.document[0]] || ""} …${entry.document.slice(1)}`
      : "—";
    $("person-reference").textContent = entry.reference;
    $("person-state").textContent = entry.state_label && !entry.pending ? entry.state_label : entry.state;
    const list = $("family");
    list.replaceChildren();
    family.forEach((member) => {
      const item = document.createElement("li");
      item.className = `member state-${member.state}${member.id === entry.id ? " current" : ""}`;
      const name = document.createElement("span");
      name.textContent = `${member.name} (${member.relationship}${member.birth_year ? `, ${member.birth_year}` : ""})`;
      const state = document.createElement("span");
      state.className = `badge state-${member.state}`;
      state.textContent = member.pending ? member.state : member.state_label || member.state;
      item.append(name, " ", state);
      list.append(item);
    });
    const board = $("board");
    board.disabled = entry.state === "boarded";
    board.textContent = entry.state === "refused" ? S.board_anyway : S.board;
    $("refuse").hidden = entry.state === "boarded";
    showMessage(warning || "", warning ? "warn" : "");
  }

  function clearPerson() {
    $("person").hidden = true;
    current = null;
  }

  async function find(what) {
    clearPerson();
    try {
      const answer = await request(root.dataset.checkUrl, what);
      if (!answer.ok) {
        showMessage(answer.message, "bad");
        return;
      }
      current = { entry: answer.pass, ...what };
      showPerson(answer.pass, answer.family, answer.warning);
      return;
    } catch (error) {
      if (error instanceof SignedOut) {
        showNetwork(S.sign_in);
      } else if (!(error instanceof Offline)) {
        showMessage(error.message, "bad");
        return;
      }
    }
    showNetwork();
    const found = await checkOffline(what);
    if (found.problem) {
      showMessage(found.problem, "bad");
      return;
    }
    current = { entry: found.entry, ...what, offline: true };
    showPerson(found.entry, familyOf(found.entry), localWarning(found.entry));
  }

  function gateName() {
    const name = $("gate-name").value.trim();
    if (!name) {
      showMessage(S.gate_needed, "bad");
      $("gate-name").focus();
    }
    return name;
  }

  function rememberConflict(result) {
    conflicts.push({ ...result, noted: new Date().toISOString() });
    store.set("conflicts", conflicts);
    showConflicts();
  }

  function showConflicts() {
    const list = $("conflicts");
    list.replaceChildren();
    conflicts.forEach((conflict, index) => {
      const item = document.createElement("li");
      item.className = "conflict";
      const text = document.createElement("span");
      const who = conflict.pass ? `${conflict.pass.name} (${conflict.pass.reference}): ` : "";
      text.textContent = who + conflict.message;
      const dismiss = document.createElement("button");
      dismiss.type = "button";
      dismiss.className = "small";
      dismiss.textContent = "×";
      dismiss.addEventListener("click", () => {
        conflicts.splice(index, 1);
        store.set("conflicts", conflicts);
        showConflicts();
      });
      item.append(text, " ", dismiss);
      list.append(item);
    });
  }

  function updateEntry(pass) {
    if (!manifest || !pass) return;
    const entry = manifest.passes.find((p) => p.id === pass.id);
    if (entry) {
      Object.assign(entry, pass, { pending: false });
      store.set("manifest", manifest);
    }
  }

  async function decide(action, reason) {
    if (!current) return;
    const gate = gateName();
    if (!gate) return;
    const scan = {
      client_id: crypto.randomUUID(),
      action,
      reason: reason || "",
      gate,
      pass_id: current.entry.id,
      token: current.token || "",
      reference: current.reference || "",
      override: current.entry.state === "refused",
      scanned_at: new Date().toISOString(),
    };
    if (!current.offline) {
      try {
        const result = await request(root.dataset.scanUrl, scan);
        updateEntry(result.pass);
        if (result.conflict) rememberConflict(result);
        clearPerson();
        showMessage(result.message, result.ok ? "good" : "bad");
        return;
      } catch (error) {
        if (error instanceof SignedOut) showNetwork(S.sign_in);
        else if (!(error instanceof Offline)) {
          showMessage(error.message, "bad");
          return;
        }
      }
    }
    // Offline: the scan is kept here until the server has it.
    queue.push(scan);
    store.set("queue", queue);
    if (manifest) {
      const entry = manifest.passes.find((p) => p.id === scan.pass_id);
      if (entry) applyLocally(entry, scan);
      store.set("manifest", manifest);
    }
    clearPerson();
    showNetwork();
    showMessage(action === "board" ? S.boarded_offline : S.refused_offline, "good");
  }

  let syncing = false;
  async function sync() {
    if (syncing || !queue.length || !navigator.onLine) {
      showNetwork();
      return;
    }
    syncing = true;
    try {
      const sending = queue.slice(0, 500);
      const answer = await request(root.dataset.syncUrl, { scans: sending });
      const done = new Set(answer.results.map((r) => r.client_id));
      let conflictCount = 0;
      answer.results.forEach((result) => {
        updateEntry(result.pass);
        if (result.conflict) {
          conflictCount += 1;
          rememberConflict(result);
        }
      });
      // Only what the server answered for leaves the queue: a scan is never dropped unsent.
      queue = store.get("queue", []).filter((scan) => !done.has(scan.client_id));
      store.set("queue", queue);
      showNetwork(fmt(S.synced, { count: conflictCount }));
      await refreshList();
    } catch (error) {
      showNetwork(error instanceof SignedOut ? S.sign_in : undefined);
    } finally {
      syncing = false;
    }
  }

  // Camera: the browser's own QR reader where there is one, jsQR (vendored) otherwise

  let stream = null;
  let scanning = false;
  let detector = null;

  function loadJsQR() {
    return new Promise((resolve, reject) => {
      if (window.jsQR) return resolve(window.jsQR);
      const script = document.createElement("script");
      script.src = root.dataset.jsqrUrl;
      script.onload = () => resolve(window.jsQR);
      script.onerror = reject;
      document.head.append(script);
    });
  }

  async function startCamera() {
    try {
      if ("BarcodeDetector" in window) {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      }
      if (!detector) await loadJsQR();
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    } catch (_error) {
      showMessage(S.camera_failed, "bad");
      return;
    }
    const video = $("camera");
    video.srcObject = stream;
    video.hidden = false;
    $("camera-start").hidden = true;
    $("camera-stop").hidden = false;
    await video.play();
    scanning = true;
    requestAnimationFrame(tick);
  }

  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("camera").hidden = true;
    $("camera-start").hidden = false;
    $("camera-stop").hidden = true;
  }

  async function tick() {
    if (!scanning) return;
    const video = $("camera");
    let text = null;
    if (video.readyState >= 2) {
      if (detector) {
        const codes = await detector.detect(video).catch(() => []);
        text = codes.length ? codes[0].rawValue : null;
      } else {
        const canvas = $("frame");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        text = code ? code.data : null;
      }
    }
    if (text) {
      // One pass at a time: the camera waits until the agent has decided.
      stopCamera();
      await find({ token: text });
      return;
    }
    requestAnimationFrame(tick);
  }

  // Wiring

  $("gate-name").value = localStorage.getItem("evac.gate.name") || "";
  $("gate-name").addEventListener("change", () => localStorage.setItem("evac.gate.name", $("gate-name").value.trim()));
  $("typed").addEventListener("submit", (event) => {
    event.preventDefault();
    // A handheld QR reader types the code's content into the field, as a keyboard: that is a token.
    const text = $("reference").value.trim();
    if (!text) return;
    const what = text.startsWith(PREFIX) ? { token: text } : { reference: text };
    find(what).then(() => ($("reference").value = ""));
  });
  $("board").addEventListener("click", () => decide("board"));
  $("refuse").addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = $("reason").value.trim();
    if (!reason) {
      showMessage(S.reason_needed, "bad");
      $("reason").focus();
      return;
    }
    decide("refuse", reason).then(() => ($("reason").value = ""));
  });
  $("camera-start").addEventListener("click", startCamera);
  $("camera-stop").addEventListener("click", stopCamera);
  $("sync").addEventListener("click", sync);
  $("refresh").addEventListener("click", refreshList);
  $("forget").addEventListener("click", () => {
    if (queue.length) {
      showNetwork(fmt(S.pending, { count: queue.length }));
      return; // never forget scans the server has not had
    }
    ["manifest", "queue", "conflicts"].forEach((name) => store.drop(name));
    manifest = null;
    conflicts = [];
    showConflicts();
    showList();
  });
  window.addEventListener("online", () => sync().then(refreshList));
  window.addEventListener("offline", () => showNetwork());
  setInterval(() => {
    if (queue.length) sync();
  }, 20000);

  showConflicts();
  showList();
  showNetwork();
  importKey()
    .then(() => (queue.length ? sync() : refreshList()))
    .finally(() => root.classList.add("ready"));
})();
