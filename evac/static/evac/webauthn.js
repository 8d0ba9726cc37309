// Security keys (WebAuthn): the browser half of evac/accounts/security_keys.py. No inline script (the
// Content-Security-Policy forbids it): each page marks a box with data-webauthn="register" or "sign-in",
// the URL that gives the options (data-options-url) and the one that checks the answer (data-url).
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(box, url, body) {
    var token = box.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": token ? token.value : ""
      },
      body: JSON.stringify(body || {})
    });
  }

  function show(box, message) {
    var status = box.querySelector("[data-webauthn-status]");
    status.textContent = message;
    status.hidden = !message;
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function register(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return navigator.credentials.create({ publicKey: options }).then(function (credential) {
      var response = credential.response;
      var json = {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          attestationObject: toText(response.attestationObject),
          transports: response.getTransports ? response.getTransports() : []
        },
        clientExtensionResults: credential.getClientExtensionResults()
      };
      if (credential.authenticatorAttachment) { json.authenticatorAttachment = credential.authenticatorAttachment; }
      return json;
    });
  }

  function signIn(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return navigator.credentials.get({ publicKey: options }).then(function (credential) {
      var response = credential.response;
      var json = {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature)
        },
        clientExtensionResults: credential.getClientExtensionResults()
      };
      if (response.userHandle) { json.response.userHandle = toText(response.userHandle); }
      if (credential.authenticatorAttachment) { json.authenticatorAttachment = credential.authenticatorAttachment; }
      return json;
    });
  }

  function run(box, button) {
    var ceremony = box.dataset.webauthn === "register" ? register : signIn;
    var nameInput = box.querySelector("input[name=key_name]");
    button.disabled = true;
    show(box, "");
    post(box, box.dataset.optionsUrl)
      .then(function (response) {
        if (!response.ok) { throw new Error("options"); }
        return response.json();
      })
      .then(ceremony)
      .then(function (credential) {
        return post(box, box.dataset.url, { credential: credential, name: nameInput ? nameInput.value : "" });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          if (body.next) { window.location.assign(body.next); return; }
          throw new Error(body.error || "rejected");
        });
      })
      .catch(function () {
        show(box, box.dataset.msgFailed);
        button.disabled = false;
      });
  }

  document.querySelectorAll("[data-webauthn]").forEach(function (box) {
    var button = box.querySelector("[data-webauthn-start]");
    if (!window.PublicKeyCredential || !navigator.credentials) {
      show(box, box.dataset.msgUnsupported);
      button.disabled = true;
      return;
    }
    button.addEventListener("click", function () { run(box, button); });
  });
})();
