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
 * Drawing, as the editor's view mode: a stage of the background's size (else 1920x1080); `text`
 * at (x, y); `players`, `scores` (total points, or the `roundId` column) and `placements` (1st,
 * 2nd, ...) draw one row per standings entry, row i at (x, y + i * spacing). Every entry is drawn
 * unless the element sets `maxRows`; `previewCount` is only the editor's count of sample rows.
 * Off air the stage is hidden, not emptied.
 *
 * Written without build step or newer syntax (no `?.`, `??`) so older OBS browser sources run it.
 */
(function () {
  "use strict";

  var DEFAULT_WIDTH = 1920;
  var DEFAULT_HEIGHT = 1080;
  var RETRY_MIN_MS = 500;
  var RETRY_MAX_MS = 10000;
  var GONE_RETRY_MS = 30000;
  var PONG_TIMEOUT_MS = 10000;
  var CLOSE_GONE = 4004;
  // The existing editor's defaults, used where an element leaves a font property out.
  var DEFAULTS = {
    text: { fontSize: 24, fontFamily: "Arial", color: "#000000" },
    players: { fontSize: 20, fontFamily: "Arial", color: "#FFFFFF" },
    scores: { fontSize: 24, fontFamily: "Arial", color: "#FFFFFF" },
    placements: { fontSize: 20, fontFamily: "Arial", color: "#FFD700" }
  };

  var config = JSON.parse(document.getElementById("overlay-config").textContent);
  var stage = document.getElementById("stage");
  var pingMs = secondsParam("ping", 15) * 1000;
  var pongTimeoutMs = Math.min(PONG_TIMEOUT_MS, pingMs);

  var shown = { graphic: null, standings: [], version: 0 };
  var socket = null;
  var retryMs = RETRY_MIN_MS;
  var retryTimer = null;
  var pingTimer = null;
  var pongTimer = null;
  var resyncAsked = false;

  function secondsParam(name, fallback) {
    var value = parseFloat(new URLSearchParams(window.location.search).get(name));
    return value > 0 ? value : fallback;
  }

  function number(value, fallback) {
    var parsed = typeof value === "number" ? value : parseFloat(value);
    return isFinite(parsed) ? parsed : fallback;
  }

  function setConnection(state) {
    document.documentElement.setAttribute("data-connection", state);
  }

  // ---- drawing ----------------------------------------------------------------------------

  function canvasOf(graphic) {
    var data = graphic.data_json;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch (error) {
        data = null;
      }
    }
    return data && typeof data === "object" ? data : {};
  }

  function ordinal(n) {
    var tens = n % 100;
    var suffix = "th";
    if (tens < 11 || tens > 13) {
      suffix = { 1: "st", 2: "nd", 3: "rd" }[n % 10] || "th";
    }
    return n + suffix;
  }

  function rowText(element, entry, index) {
    if (element.type === "players") {
      return entry.player_name == null ? "" : String(entry.player_name);
    }
    if (element.type === "scores") {
      if (element.roundId && element.roundId !== "total") {
        var rounds = entry.round_scores || {};
        return String(rounds[element.roundId] == null ? 0 : rounds[element.roundId]);
      }
      return String(entry.total_points == null ? 0 : entry.total_points);
    }
    return ordinal(number(entry.rank, index + 1));
  }

  function styled(element, className, text, x, y) {
    var defaults = DEFAULTS[element.type];
    var node = document.createElement("div");
    node.className = className;
    node.setAttribute("data-element-id", element.id == null ? "" : String(element.id));
    node.setAttribute("data-element-type", element.type);
    node.textContent = text;
    node.style.left = x + "px";
    node.style.top = y + "px";
    node.style.fontSize = number(element.fontSize, defaults.fontSize) + "px";
    node.style.fontFamily = element.fontFamily || defaults.fontFamily;
    node.style.color = element.color || defaults.color;
    node.style.fontWeight = element.bold ? "bold" : "normal";
    node.style.fontStyle = element.italic ? "italic" : "normal";
    node.style.textDecoration = element.underline ? "underline" : "none";
    return node;
  }

  function drawElement(element, into) {
    var x = number(element.x, 0);
    var y = number(element.y, 0);
    if (element.type === "text") {
      into.appendChild(styled(element, "text", element.content == null ? "" : String(element.content), x, y));
      return;
    }
    var spacing = number(element.spacing, 56);
    var maxRows = number(element.maxRows, 0);
    var rows = maxRows > 0 ? shown.standings.slice(0, maxRows) : shown.standings;
    rows.forEach(function (entry, index) {
      var row = styled(element, "row", rowText(element, entry || {}, index), x, y + index * spacing);
      row.setAttribute("data-row", String(index));
      into.appendChild(row);
    });
  }

  function draw() {
    var canvas = canvasOf(shown.graphic);
    var background = canvas.background && typeof canvas.background === "object" ? canvas.background : null;
    var width = background ? number(background.width, DEFAULT_WIDTH) : DEFAULT_WIDTH;
    var height = background ? number(background.height, DEFAULT_HEIGHT) : DEFAULT_HEIGHT;
    var drawing = document.createDocumentFragment();

    if (background && typeof background.imageUrl === "string" && background.imageUrl) {
      var image = document.createElement("img");
      image.className = "background";
      image.alt = "";
      image.src = background.imageUrl;
      image.width = width;
      image.height = height;
      drawing.appendChild(image);
    }
    (Array.isArray(canvas.elements) ? canvas.elements : []).forEach(function (element) {
      if (element && typeof element === "object" && DEFAULTS.hasOwnProperty(element.type)) {
        drawElement(element, drawing);
      }
    });

    stage.textContent = "";
    stage.appendChild(drawing);
    stage.style.width = width + "px";
    stage.style.height = height + "px";
    stage.setAttribute("data-version", String(shown.version));
    stage.classList.toggle("off-air", !shown.graphic.on_air);
  }

  function clear() {
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
    shown = {
      graphic: data.graphic,
      standings: Array.isArray(data.standings) ? data.standings : [],
      version: number(data.graphic.version, 0)
    };
    resyncAsked = false;
    retryMs = RETRY_MIN_MS;
    draw();
    setConnection("live");
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
    var merged = {};
    [shown.graphic, graphic].forEach(function (source) {
      Object.keys(source).forEach(function (key) {
        merged[key] = source[key];
      });
    });
    if (onAir !== undefined) {
      merged.on_air = onAir;
    }
    shown.graphic = merged;
    shown.version = version;
    draw();
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
    draw();
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
