/* The gate page on a phone (decision 0074): checks, member marks, the offline queue, the camera. */
(function () {
  "use strict";
  var app = document.getElementById("gate-app");
  var T = JSON.parse(document.getElementById("gate-text").textContent);
  var csrf = document.querySelector("#check input[name=csrfmiddlewaretoken]").value;
  var QUEUE = "sp-gate-queue-" + app.dataset.flight;
  var closed = !!app.dataset.closed;

  /* The queue holds ids only (seat, person, mark, key): no name, no age. */
  function queue() { try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; } }
  function save(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); showQueue(); }
  function showQueue() {
    var n = queue().length;
    document.getElementById("queue").textContent = n ? T.waiting.replace("%(n)s", n) : "";
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function post(url, data) {
    var body = new URLSearchParams(data);
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
                        headers: { "X-CSRFToken": csrf, "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { status: r.status, body: j }; }); });
  }

  /* Send what waits, in order; stop at the first network failure and keep the rest. */
  var flushing = false;
  function flush() {
    if (flushing) { return; }
    var q = queue();
    if (!q.length) { return; }
    flushing = true;
    var op = q[0];
    post(op.op === "undo" ? app.dataset.undo : app.dataset.mark, op).then(function (res) {
      var rest = queue(), i = rest.findIndex(function (o) { return o.key === op.key && o.op === op.op; });
      if (i >= 0) { rest.splice(i, 1); }
      save(rest);
      if (res.status >= 400) { say(res.body.error || T.failed, true); }
      flushing = false;
      flush();
    }, function () { flushing = false; showQueue(); });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 3000);

  function say(text, bad) {
    var v = document.getElementById("verdict");
    v.textContent = text; v.className = bad ? "late" : "";
  }

  function member(li) {
    var seat = li.closest(".household").dataset.seat, person = li.dataset.person;
    var markEl = li.querySelector(".mark"), actions = li.querySelector(".actions");
    function render() {
      var mark = li.dataset.mark;
      markEl.textContent = mark ? T[mark] : T.unmarked;
      actions.textContent = "";
      if (closed) { return; }
      if (mark) {
        if (li.dataset.key) { actions.appendChild(button(T.undo, undo)); }
      } else {
        actions.appendChild(button(T.boarded, function () { confirmMark("boarded"); }));
        actions.appendChild(button(T.no_show, function () { confirmMark("no_show"); }));
      }
    }
    function confirmMark(mark) {
      actions.textContent = "";
      var q = document.createElement("span");
      q.textContent = (mark === "boarded" ? T.confirm_boarded : T.confirm_no_show)
        .replace("%(name)s", li.querySelector(".who-name").textContent);
      actions.appendChild(q);
      actions.appendChild(button(T.confirm, function () { send(mark); }));
      actions.appendChild(button(T.cancel, render));
    }
    function send(mark) {
      var key = newKey();
      li.dataset.mark = mark; li.dataset.key = key;
      var q = queue(); q.push({ op: "mark", key: key, seat: seat, person: person, mark: mark }); save(q);
      render(); flush();
    }
    function undo() {
      var key = li.dataset.key, q = queue();
      var waiting = q.some(function (o) { return o.op === "mark" && o.key === key; });
      if (waiting) {  /* never sent: it is simply dropped */
        save(q.filter(function (o) { return o.key !== key; }));
      } else {
        q.push({ op: "undo", key: key, seat: seat, person: person }); save(q);
      }
      li.dataset.mark = ""; delete li.dataset.key;
      render(); flush();
    }
    render();
  }
  function button(text, onclick) {
    var b = document.createElement("button");
    b.type = "button"; b.textContent = text; b.addEventListener("click", onclick);
    return b;
  }
  /* Marks made on this device but not yet sent, after a reload while offline. */
  queue().forEach(function (op) {
    var li = document.querySelector("#household-" + op.seat + " .member[data-person='" + op.person + "']");
    if (li && op.op === "mark") { li.dataset.mark = op.mark; li.dataset.key = op.key; }
  });
  document.querySelectorAll(".member").forEach(member);
  showQueue(); flush();

  function showHousehold(seat) {
    document.querySelectorAll(".household").forEach(function (h) { h.hidden = h.dataset.seat !== String(seat); });
  }
  function check(text) {
    var found = Array.prototype.find.call(document.querySelectorAll(".household"), function (h) {
      return h.dataset.reference === text.trim().toUpperCase();
    });
    post(app.dataset.check, { text: text }).then(function (res) {
      if (res.status >= 400) { say(res.body.error || T.failed, true); return; }
      say(res.body.label + (res.body.reference ? " · " + res.body.reference : ""), res.body.verdict !== "valid");
      showHousehold(res.body.seat);
    }, function () {  /* offline: the list this page holds answers for a typed reference */
      if (found) { say(T.offline_found, false); showHousehold(found.dataset.seat); }
      else { say(T.offline_unknown, true); showHousehold(null); }
    });
  }
  document.getElementById("check").addEventListener("submit", function (e) {
    e.preventDefault(); check(document.getElementById("check-text").value);
  });

  /* The camera: BarcodeDetector where the browser has it, else jsQR on each frame. */
  document.getElementById("scan").addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { say(T.nocamera, true); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      var video = document.getElementById("camera");
      video.srcObject = stream; video.hidden = false; video.play();
      var detector = ("BarcodeDetector" in window) ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
      var canvas = document.createElement("canvas"), ctx = canvas.getContext("2d", { willReadFrequently: true });
      function done(text) {
        stream.getTracks().forEach(function (t) { t.stop(); });
        video.hidden = true;
        document.getElementById("check-text").value = text.length > 40 ? "" : text;
        check(text);
      }
      function tick() {
        if (video.readyState < 2) { requestAnimationFrame(tick); return; }
        if (detector) {
          detector.detect(video).then(function (codes) {
            if (codes.length) { done(codes[0].rawValue); } else { requestAnimationFrame(tick); }
          }, function () { detector = null; requestAnimationFrame(tick); });
          return;
        }
        canvas.width = video.videoWidth; canvas.height = video.videoHeight;
        ctx.drawImage(video, 0, 0);
        var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR ? window.jsQR(img.data, img.width, img.height) : null;
        if (code && code.data) { done(code.data); } else { setTimeout(tick, 150); }
      }
      tick();
    }, function () { say(T.nocamera, true); });
  });
})();
