/*
 * GAL Dash overlay: draws one graphic live from the overlay socket.
 *
 * Socket: ws(s)://<host>/ws/overlay/<id>/?key=<key>. The server sends `snapshot` on connect, then
 * `graphic_updated`, `standings_update`, `on_air`, `off_air`, `graphic_archived`, `graphic_deleted`,
 * `overlay_key_rotated` and `pong`. The page pings every 15 s (`?ping=<seconds>` overrides) and
 * reconnects when a pong is missing, when the socket drops (backoff 0.5 s doubling to 10 s), and
 * slowly (every 30 s) after the server closed it with 4004 (archived, deleted or key rotated).
 * `<html data-connection>` tells the state: connecting, live, waiting (to retry) or gone.
 *
 * Drawing: GalDrawing (drawing.js, shared with the admin's preview). Off air the stage is hidden,
 * not emptied. Take and clear play the graphic's `transition_in` / `transition_out` (fade,
 * slide-left|right|top|bottom; none or a duration of 0: instant) for `transition_duration_ms`:
 * the drawing, background image loaded, is complete before it enters, and a leaving drawing is never
 * redrawn while it leaves.
 * `#stage[data-transition]` is `in:<name>` or `out:<name>` while one plays.
 *
 * Preview output (`config.preview`, /overlay/<id>/preview/): draws the graphic whether or not it
 * is on air, without transitions.
 *
 * The page reports the version it shows (a `ping` with `version`) right after drawing a snapshot
 * or a new version, so the admin's connected-overlays list is current within a second.
 *
 * Written without build step or newer syntax (no `?.`, `??`) so older OBS browser sources run it.
 */
(function () {
  "use strict";

  var RETRY_MIN_MS = 500;
  var RETRY_MAX_MS = 10000;
  var GONE_RETRY_MS = 30000;
  var PONG_TIMEOUT_MS = 10000;
  var CLOSE_GONE = 4004;
  var IMAGE_WAIT_MS = 3000;
  // The transitions overlay.css animates (`none`, or a duration of 0, is instant).
  var TRANSITIONS = { fade: 1, "slide-left": 1, "slide-right": 1, "slide-top": 1, "slide-bottom": 1 };
  var number = GalDrawing.number;

  var config = JSON.parse(document.getElementById("overlay-config").textContent);
  var stage = document.getElementById("stage");
  var preview = config.preview === true;
  var pingMs = secondsParam("ping", 15) * 1000;
  var pongTimeoutMs = Math.min(PONG_TIMEOUT_MS, pingMs);

  var shown = { graphic: null, standings: [], version: 0 };
  var socket = null;
  var retryMs = RETRY_MIN_MS;
  var retryTimer = null;
  var pingTimer = null;
  var pongTimer = null;
  var resyncAsked = false;
  var transition = { direction: "", timer: null };
  var takes = 0; // counts takes and clears, so a take waiting for its background can be called off

  function secondsParam(name, fallback) {
    var value = parseFloat(new URLSearchParams(window.location.search).get(name));
    return value > 0 ? value : fallback;
  }

  function setConnection(state) {
    document.documentElement.setAttribute("data-connection", state);
  }

  // ---- drawing and transitions -----------------------------------------------------------

  function draw() {
    GalDrawing.draw(stage, shown.graphic.data_json, shown.standings);
    stage.setAttribute("data-version", String(shown.version));
  }

  function transitionOf(graphic, direction) {
    var name = graphic["transition_" + direction];
    var ms = number(graphic.transition_duration_ms, 0);
    return TRANSITIONS.hasOwnProperty(name) && ms > 0 ? { name: name, ms: ms } : null;
  }

  function endTransition() {
    clearTimeout(transition.timer);
    transition = { direction: "", timer: null };
    stage.classList.remove("transition-in", "transition-out");
    stage.removeAttribute("data-transition");
    stage.style.animationDuration = "";
  }

  function play(direction, played, done) {
    endTransition();
    transition.direction = direction;
    stage.setAttribute("data-transition", direction + ":" + played.name);
    stage.style.animationDuration = played.ms + "ms";
    stage.classList.add("transition-" + direction);
    transition.timer = setTimeout(function () {
      endTransition();
      if (done) {
        done();
      }
    }, played.ms);
  }

  function backgroundOf(graphic) {
    var background = GalDrawing.canvasOf(graphic.data_json).background;
    return background && typeof background === "object" && typeof background.imageUrl === "string"
      ? background.imageUrl : "";
  }

  // Calls `done` once the image at `url` is loaded (at once without one; at most IMAGE_WAIT_MS
  // later if it never comes), so a take never shows the graphic before its background.
  function whenLoaded(url, done) {
    if (!url) {
      done();
      return;
    }
    var finished = false;
    var image = new Image();
    var timer = setTimeout(finish, IMAGE_WAIT_MS);
    function finish() {
      if (!finished) {
        finished = true;
        clearTimeout(timer);
        done();
      }
    }
    image.onload = image.onerror = finish;
    image.src = url;
    if (image.complete) {
      finish();
    }
  }

  // What the page shows, once a graphic arrived: the drawing, on air or off air. The drawing is
  // complete before it becomes visible; while a graphic leaves (transition out), the drawing that
  // is leaving stays as it is, and any change is drawn once it has left, hidden.
  function show(wasOnAir) {
    var onAir = preview || shown.graphic.on_air === true;
    if (onAir && !wasOnAir) {
      var take = ++takes;
      whenLoaded(backgroundOf(shown.graphic), function () {
        if (take !== takes) {
          return; // cleared (or taken again) meanwhile
        }
        draw();
        stage.classList.remove("off-air");
        var entering = transitionOf(shown.graphic, "in");
        if (entering) {
          play("in", entering);
        } else {
          endTransition();
        }
      });
    } else if (!onAir && wasOnAir) {
      takes++;
      var leaving = transitionOf(shown.graphic, "out");
      if (leaving) {
        play("out", leaving, function () {
          stage.classList.add("off-air");
          draw();
        });
      } else {
        endTransition();
        stage.classList.add("off-air");
        draw();
      }
    } else if (transition.direction !== "out") {
      draw();
    }
  }

  function visible() {
    return !stage.classList.contains("off-air") && transition.direction !== "out";
  }

  function clear() {
    takes++;
    endTransition();
    shown = { graphic: null, standings: [], version: 0 };
    stage.textContent = "";
    stage.classList.add("off-air");
    stage.setAttribute("data-version", "0");
  }

  // ---- messages ---------------------------------------------------------------------------

  function send(message) {
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  function resync() {
    if (!resyncAsked && send({ type: "resync" })) {
      resyncAsked = true;
    }
  }

  function receiveSnapshot(data) {
    if (!data.graphic || typeof data.graphic !== "object") {
      return;
    }
    var wasOnAir = shown.graphic ? visible() : false;
    shown = {
      graphic: data.graphic,
      standings: Array.isArray(data.standings) ? data.standings : [],
      version: number(data.graphic.version, 0)
    };
    resyncAsked = false;
    retryMs = RETRY_MIN_MS;
    if (!wasOnAir) {
      // A page that (re)connects shows what is on air at once, without playing the take.
      takes++;
      endTransition();
      draw();
      stage.classList.toggle("off-air", !(preview || shown.graphic.on_air === true));
    } else {
      show(true);
    }
    setConnection("live");
    report();
  }

  // A graphic (graphic_updated, on_air, off_air): stale versions are ignored, a gap asks for a
  // fresh snapshot (the update itself is whole, so it is drawn meanwhile). Fields it leaves out
  // keep their shown value. (A change of tournament brings a new snapshot from the server.)
  function receiveGraphic(graphic, onAir) {
    if (!shown.graphic || !graphic || typeof graphic !== "object") {
      return;
    }
    var version = number(graphic.version, shown.version);
    if (version < shown.version) {
      return;
    }
    if (version > shown.version + 1) {
      resync();
    }
    var wasOnAir = shown.graphic.on_air === true || preview;
    var merged = {};
    [shown.graphic, graphic].forEach(function (source) {
      Object.keys(source).forEach(function (key) {
        merged[key] = source[key];
      });
    });
    if (onAir !== undefined) {
      merged.on_air = onAir;
    }
    var changed = version !== shown.version;
    shown.graphic = merged;
    shown.version = version;
    show(wasOnAir);
    if (changed) {
      report();
    }
  }

  function tournamentOf(source) {
    return source.tournament_id == null ? "" : String(source.tournament_id);
  }

  function receiveStandings(data) {
    if (!shown.graphic) {
      return;
    }
    var tournament = tournamentOf(shown.graphic);
    if (tournament && tournamentOf(data) && tournamentOf(data) !== tournament) {
      return;
    }
    shown.standings = Array.isArray(data.standings) ? data.standings : [];
    if (transition.direction !== "out") {
      draw();
    }
  }

  function receive(event) {
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (error) {
      return;
    }
    if (!message || typeof message !== "object") {
      return;
    }
    var data = message.data && typeof message.data === "object" ? message.data : {};
    switch (message.type) {
      case "snapshot":
        receiveSnapshot(data);
        break;
      case "graphic_updated":
        receiveGraphic(data);
        break;
      case "on_air":
        receiveGraphic(data, true);
        break;
      case "off_air":
        receiveGraphic(data, false);
        break;
      case "standings_update":
        receiveStandings(data);
        break;
      case "graphic_archived":
      case "graphic_deleted":
      case "overlay_key_rotated":
        clear();
        break;
      case "pong":
        clearTimeout(pongTimer);
        pongTimer = null;
        break;
    }
  }

  // ---- connection -------------------------------------------------------------------------

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + config.socketPath;
  }

  // Tell the server at once which version the page now shows (the connected-overlays list).
  function report() {
    ping();
  }

  function ping() {
    if (send({ type: "ping", version: shown.version }) && pongTimer === null) {
      pongTimer = setTimeout(function () {
        pongTimer = null;
        abandon(4000, "no pong");
        retryLater(nextRetry());
      }, pongTimeoutMs);
    }
  }

  // Forget the current socket at once: a dead connection may take minutes to report its close.
  function abandon(code, reason) {
    var old = socket;
    socket = null;
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    pingTimer = null;
    pongTimer = null;
    if (old) {
      old.onopen = old.onmessage = old.onclose = old.onerror = null;
      if (code && old.readyState <= WebSocket.OPEN) {
        old.close(code, reason);
      }
    }
  }

  function nextRetry() {
    var delay = retryMs;
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    return delay;
  }

  function retryLater(delay) {
    clearTimeout(retryTimer);
    setConnection(delay >= GONE_RETRY_MS ? "gone" : "waiting");
    retryTimer = setTimeout(connect, delay);
  }

  function connect() {
    retryTimer = null;
    resyncAsked = false;
    setConnection("connecting");
    var ws = new WebSocket(socketUrl());
    socket = ws;
    ws.onopen = function () {
      pingTimer = setInterval(ping, pingMs);
    };
    ws.onmessage = receive;
    ws.onclose = function (event) {
      abandon();
      if (event.code === CLOSE_GONE) {
        clear();
        retryLater(GONE_RETRY_MS);
      } else {
        retryLater(nextRetry());
      }
    };
    // A failed connection also fires `close`, which schedules the retry.
    ws.onerror = function () {};
  }

  connect();
})();
