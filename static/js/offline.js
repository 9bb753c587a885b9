// Offline drafting (#27.3): registers the service worker (/sw.js) and keeps the device's outbox.
// A form marked [data-offline-form] is not posted directly: it is first written to IndexedDB (fields, and each file
// as a Blob), then sent when there is a connection: at once, on the `online` event, and on the next load of a page
// with this script. Each draft has its own Idempotency-Key, so a repeated send returns the first report. A send
// fetches a fresh CSRF token from the form's page first (a token kept in a page cached days ago may be stale). Once
// the server has the report, the draft and its files are deleted from the device. Texts come from #outbox's data-*
// attributes, translated by the server.
(function () {
  "use strict";
  var DB_NAME = "kasn-outbox", STORE = "drafts";
  var box = document.getElementById("outbox");
  var sent = [];  // {code, url} of drafts sent while this page is open: shown, nothing else kept
  var sending = {};
  var busy = false;

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).then(function () {
      if (!navigator.serviceWorker.controller) {  // first visit: ask the worker to keep this form's page too
        navigator.serviceWorker.ready.then(function (reg) {
          if (reg.active) reg.active.postMessage({keep: location.pathname});
        });
      }
    }).catch(function () {});
  }
  if (!box) return;
  var text = function (name) { return box.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || ""; };

  // --- IndexedDB ---------------------------------------------------------------------------------------------
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, {keyPath: "key"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function store(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req ? req.result : undefined); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  // An officer's draft is sent (and shown) only while that officer is signed in on this device: a colleague
  // signing in next on a shared phone must not send it under their own name. A public draft has no owner.
  var viewer = box.dataset.viewer || "";
  var drafts = function () {
    return store("readonly", function (s) { return s.getAll(); }).then(function (list) {
      return list.filter(function (d) { return !d.owner || d.owner === viewer; });
    });
  };
  var save = function (draft) { return store("readwrite", function (s) { return s.put(draft); }); };
  var forget = function (key) { return store("readwrite", function (s) { return s.delete(key); }); };

  // --- capture ------------------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function chosen(form, name) {
    var el = form.elements[name];
    if (!el) return "";
    if (el.tagName === "SELECT") return el.value ? el.options[el.selectedIndex].text : "";
    return el.value || "";
  }
  function capture(form) {
    var key = newKey(), fields = [], files = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (value instanceof Blob) {
        if (value.size) files.push({field: name, name: value.name, type: value.type,
                                    blob: new Blob([value], {type: value.type})});
      } else {
        fields.push([name, name === "form_token" ? key : value]);
      }
    });
    var label = [form.dataset.offlineTitle || chosen(form, "kind"), chosen(form, "respondent_name"),
                 chosen(form, "region")].filter(Boolean).join(" · ");
    return {key: key, url: form.getAttribute("action") || location.pathname, owner: form.dataset.owner || "",
            label: label, fields: fields,
            files: files, saved: Date.now(), state: "waiting", errors: null};
  }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }
  document.querySelectorAll("form[data-offline-form]").forEach(function (form) {
    var received = form.elements.received_on;  // a page kept since an earlier day would propose that day
    if (received && !form.querySelector(".has-error")) received.value = today();
    form.addEventListener("submit", function (ev) {
      if (!window.indexedDB) {
        if (!navigator.onLine) { ev.preventDefault(); status(text("nostore")); }
        return;  // online: the plain post
      }
      ev.preventDefault();
      var draft = capture(form), replaces = form.dataset.replaces;
      save(draft).then(function () {
        return replaces ? forget(replaces) : null;
      }).then(function () {
        delete form.dataset.replaces;
        form.reset();
        if (form.elements.received_on) form.elements.received_on.value = today();
        box.scrollIntoView({block: "start"});
        return sendAll();
      }).catch(function () { form.submit(); });  // storage refused (quota, private mode): post as before
    });
  });

  // The step-by-step form posts each step to the server: offline, a step is kept on the page (not lost to the
  // browser's error page) and the note points to the one-page form, which can be kept on the device.
  if (box.dataset.wizard) {
    document.querySelectorAll(".intake form").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        if (navigator.onLine) return;
        ev.preventDefault();
        var note = document.getElementById("offline-note");
        note.hidden = false;
        note.scrollIntoView({block: "center"});
      });
    });
  }

  // --- sending ------------------------------------------------------------------------------------------------
  function freshToken(url) {
    return fetch(url, {credentials: "same-origin", cache: "no-store", headers: {Accept: "text/html"}})
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname.indexOf("/login/") === 0) return "";  // signed out
        if (!response.ok || response.redirected) return null;
        return response.text().then(function (html) {
          var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrfmiddlewaretoken]");
          return input ? input.value : null;
        });
      });
  }
  function post(draft, token) {
    var body = new FormData();
    draft.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    draft.files.forEach(function (f) { body.append(f.field, f.blob, f.name); });
    body.append("csrfmiddlewaretoken", token);
    return fetch(draft.url, {method: "POST", body: body, credentials: "same-origin",
                             headers: {"Idempotency-Key": draft.key, "X-CSRFToken": token, Accept: "application/json"}});
  }
  function sendOne(draft) {
    sending[draft.key] = true;
    render();
    return freshToken(draft.url).then(function (token) {
      if (!token) { draft.state = token === "" ? "login" : "failed"; return save(draft); }
      return post(draft, token).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (response.ok && json) {
          return response.json().then(function (answer) {
            sent.push({code: answer.tracking_code, url: answer.url});
            return forget(draft.key);
          });
        }
        if (response.status === 400 && json) {
          return response.json().then(function (answer) {
            draft.state = "rejected";
            draft.errors = answer.errors;
            return save(draft);
          });
        }
        draft.state = "failed";  // 403, 429, 5xx: tried again later
        return save(draft);
      });
    }).catch(function () {
      draft.state = "failed";
      return save(draft);
    }).then(function () { delete sending[draft.key]; });
  }
  function sendAll() {
    if (busy || !navigator.onLine) { render(); return Promise.resolve(); }
    busy = true;
    var run = function () {
      return drafts().then(function (list) {
        return list.filter(function (d) { return d.state !== "rejected"; }).reduce(function (chain, draft) {
          return chain.then(function () { return sendOne(draft); });
        }, Promise.resolve());
      });
    };
    // One tab sends at a time; the key would make a second send harmless, the lock makes it rare.
    var locked = navigator.locks ? navigator.locks.request("kasn-outbox", run) : run();
    return locked.catch(function () {}).then(function () { busy = false; render(); });
  }

  // --- what the page says -------------------------------------------------------------------------------------
  function status(message) { document.getElementById("outbox-state").textContent = message; }
  function item(draft) {
    var li = document.createElement("li");
    li.dataset.key = draft.key;
    var saved = new Date(draft.saved);
    var files = draft.files.map(function (f) { return f.name; }).join(", ");
    var line = document.createElement("strong");
    line.textContent = draft.label;
    li.appendChild(line);
    var meta = document.createElement("span");
    meta.className = "muted small";
    meta.textContent = " · " + draft.files.length + " " + text("attachments") + (files ? " (" + files + ")" : "") +
      " · " + text("saved") + " " + saved.toLocaleString(document.documentElement.lang || undefined,
                                                           {dateStyle: "short", timeStyle: "short"});
    li.appendChild(meta);
    var state = document.createElement("p");
    state.className = "small outbox-item-state";
    if (sending[draft.key]) state.textContent = text("sending");
    else if (draft.state === "login") state.textContent = text("login");
    else if (draft.state === "failed" && navigator.onLine) state.textContent = text("failed");
    else if (draft.state !== "rejected") state.textContent = text("waiting");
    li.appendChild(state);
    if (draft.state === "rejected") li.appendChild(rejection(draft));
    return li;
  }
  function rejection(draft) {
    var wrap = document.createElement("div");
    wrap.className = "msg error";
    wrap.setAttribute("role", "alert");
    var head = document.createElement("p");
    head.textContent = text("rejected");
    wrap.appendChild(head);
    var ul = document.createElement("ul");
    Object.keys(draft.errors || {}).forEach(function (name) {
      var e = draft.errors[name], li = document.createElement("li");
      li.textContent = (e.label ? e.label + ": " : "") + e.messages.join(" ");
      ul.appendChild(li);
    });
    wrap.appendChild(ul);
    var form = document.querySelector("form[data-offline-form]");
    if (form && (form.getAttribute("action") || location.pathname) === draft.url) refill(form, draft);
    return wrap;
  }
  function refill(form, draft) {
    if (form.dataset.replaces === draft.key) return;
    form.dataset.replaces = draft.key;  // the next send of this form replaces the refused draft
    draft.fields.forEach(function (pair) {
      var el = form.elements[pair[0]];
      if (!el || pair[0] === "form_token") return;
      if (el instanceof RadioNodeList) el.value = pair[1];
      else if (el.type === "checkbox") el.checked = true;
      else el.value = pair[1];
    });
    if (window.DataTransfer) {
      draft.files.forEach(function (f) {
        var input = form.elements[f.field];
        if (!input || input.type !== "file") return;
        var dt = new DataTransfer();
        Array.prototype.forEach.call(input.files, function (x) { dt.items.add(x); });
        dt.items.add(new File([f.blob], f.name, {type: f.type}));
        input.files = dt.files;
      });
    }
    form.dispatchEvent(new Event("change", {bubbles: true}));
  }
  function sentItem(entry) {
    var li = document.createElement("li");
    li.className = "outbox-sent";
    li.textContent = text("sent").replace("{code}", entry.code) + " ";
    var a = document.createElement("a");
    a.href = entry.url;
    a.textContent = text("open");
    li.appendChild(a);
    return li;
  }
  function render() {
    document.getElementById("offline-note").hidden = navigator.onLine;
    return drafts().then(function (list) {
      var ul = document.getElementById("outbox-list");
      ul.textContent = "";
      list.sort(function (a, b) { return a.saved - b.saved; }).forEach(function (d) { ul.appendChild(item(d)); });
      sent.forEach(function (entry) { ul.appendChild(sentItem(entry)); });
      box.hidden = !list.length && !sent.length;
      box.classList.toggle("waiting", list.length > 0);
      document.getElementById("outbox-send").hidden = !list.length || !navigator.onLine;
      if (list.length) status(navigator.onLine ? (busy ? text("online") : "") : text("offline"));
      else status("");
    }).catch(function () {});
  }

  document.getElementById("outbox-send").addEventListener("click", function () {
    drafts().then(function (list) {
      return Promise.all(list.map(function (d) {
        if (d.state === "rejected") return null;
        d.state = "waiting";
        return save(d);
      }));
    }).then(sendAll);
  });
  window.addEventListener("online", sendAll);
  window.addEventListener("offline", render);
  sendAll();
})();
