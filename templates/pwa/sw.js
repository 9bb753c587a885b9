{% load static %}// Service worker (served at /sw.js by reports.views_offline.service_worker, scope "/"); hand-written, no library.
// It keeps the two forms that must work without a connection (the public report, the officer's finding) and the
// static files they need. It never stores a POST, an API answer or any other page: what is typed waits in IndexedDB
// (static/js/offline.js) and is deleted once the server has it.
"use strict";
var VERSION = "{{ version }}";
var CACHE = "kasn-offline-" + VERSION;
var PUBLIC_FORM = "{% url 'reports:offline' %}";
var OFFICER_FORM = "{% url 'reports:intake_new' %}";
var FORM_PAGES = [PUBLIC_FORM, OFFICER_FORM];
var LOGOUT = "{% url 'logout' %}";
var PUBLIC_WIZARD = /^\/lapor\/(langkah\/\d+\/)?$/;
var STATIC_PREFIX = "{% get_static_prefix %}";
var PRECACHE = [PUBLIC_FORM{% for path in precache %}, "{% static path %}"{% endfor %}];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("kasn-offline-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepPage(request, response) {
  // Only a plain 200 of the form itself (not a redirect to the login page, not an error page with typed values).
  if (response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(new URL(request.url).pathname, copy); });
  }
  return response;
}

function formPage(request, path) {
  return fetch(request).then(function (response) { return keepPage(request, response); })
    .catch(function () {
      return caches.match(path).then(function (hit) { return hit || caches.match(PUBLIC_FORM); });
    });
}

function staticFile(request) {
  return caches.match(request).then(function (hit) {
    var fresh = fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () { return hit || Response.error(); });
    return hit || fresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method === "POST" && url.pathname === LOGOUT) {
    // Signing out drops the officer's kept page (it bears their name); the POST itself goes on untouched.
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.delete(OFFICER_FORM); }));
  }
  if (request.method !== "GET") return;  // POSTs go to the network untouched and are never stored
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && FORM_PAGES.indexOf(url.pathname) >= 0) {
    event.respondWith(formPage(request, url.pathname));
  } else if (request.mode === "navigate" && PUBLIC_WIZARD.test(url.pathname)) {
    // The step-by-step form needs the server; offline the one-page form stands in for it.
    event.respondWith(fetch(request).catch(function () { return caches.match(PUBLIC_FORM); }));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(request));
  }
});

self.addEventListener("message", function (event) {
  // A page loaded before this worker controlled it asks to be kept (the officer's form is only known once signed in).
  var data = event.data || {};
  if (data.keep && FORM_PAGES.indexOf(data.keep) >= 0) {
    event.waitUntil(fetch(data.keep, {credentials: "same-origin"}).then(function (response) {
      return keepPage(new Request(data.keep), response);
    }).catch(function () {}));
  }
});
