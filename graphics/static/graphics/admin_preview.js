/*
 * The live preview of a graphic's admin page: GalDrawing (the overlay's own drawing code) draws the
 * canvas JSON of the form as it is typed, at scale, with the standings of the tournament chosen in
 * the form. Dragging a drawn element writes its new x/y into the JSON (saved by the form's Save,
 * with its version and lock checks).
 *
 * Every POLL_MS it asks the server (`liveUrl`) for the saved graphic, the standings, the program
 * state and the connected overlays. A version saved elsewhere replaces the form's content when the
 * form holds no unsaved change; otherwise a notice says the save will be refused.
 */
(function () {
  "use strict";

  var POLL_MS = 1000;
  var config = JSON.parse(document.getElementById("graphic-preview-config").textContent);
  var form = document.getElementById("graphic_form");
  var editor = document.querySelector("textarea.canvas-json");
  var frame = document.getElementById("preview-frame");
  var stage = document.getElementById("preview-stage");
  var notice = document.getElementById("preview-notice");
  var tournament = document.getElementById("id_tournament");
  var loadedVersion = document.querySelector('input[name="loaded_version"]');
  var number = GalDrawing.number;

  var standings = Array.isArray(config.standings) ? config.standings : [];
  var canvas = null; // the last canvas of the form that parsed
  var scale = 1;
  var pristine = formState();

  function formState() {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.name !== "loaded_version" && field.name !== "csrfmiddlewaretoken") {
        values.push(field.name + "=" + field.value);
      }
    });
    return values.join("\n");
  }

  function parsed() {
    try {
      var value = JSON.parse(editor.value);
      return value && typeof value === "object" && !Array.isArray(value) ? value : null;
    } catch (error) {
      return null;
    }
  }

  function redraw() {
    var value = parsed();
    if (value) {
      canvas = value;
    }
    if (!canvas) {
      return;
    }
    var size = GalDrawing.draw(stage, canvas, standings);
    scale = Math.min(1, (frame.clientWidth || size.width) / size.width);
    stage.style.transform = "scale(" + scale + ")";
    frame.style.height = Math.ceil(size.height * scale) + "px";
    stage.setAttribute("data-drawn-from", value ? "form" : "last valid form");
  }

  function writeCanvas(value) {
    editor.value = JSON.stringify(value, null, 2);
    editor.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ---- drag to move ----------------------------------------------------------------------

  stage.addEventListener("pointerdown", function (event) {
    var node = event.target.closest ? event.target.closest("[data-element-index]") : null;
    var value = parsed();
    if (!node || !value || !Array.isArray(value.elements)) {
      return;
    }
    var index = parseInt(node.getAttribute("data-element-index"), 10);
    var element = value.elements[index];
    if (!element || typeof element !== "object") {
      return;
    }
    event.preventDefault();
    var start = { x: event.clientX, y: event.clientY, left: number(element.x, 0), top: number(element.y, 0) };

    function move(moved) {
      var current = parsed();
      if (!current || !current.elements || !current.elements[index]) {
        return;
      }
      current.elements[index].x = Math.round(start.left + (moved.clientX - start.x) / scale);
      current.elements[index].y = Math.round(start.top + (moved.clientY - start.y) / scale);
      writeCanvas(current);
    }

    function stop() {
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", stop);
      document.removeEventListener("pointercancel", stop);
    }

    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", stop);
    document.addEventListener("pointercancel", stop);
  });

  // ---- what others change ----------------------------------------------------------------

  function setField(name, value) {
    var field = form.elements[name];
    if (field) {
      field.value = value == null ? "" : value;
    }
  }

  function follow(live) {
    standings = Array.isArray(live.standings) ? live.standings : [];
    var state = document.getElementById("program-state");
    if (state) {
      state.textContent = live.program;
      state.className = live.on_air ? "on-air" : "";
    }
    var overlays = document.getElementById("connected-overlays");
    if (overlays) {
      overlays.textContent = "";
      (live.overlays.length ? live.overlays : ["None connected"]).forEach(function (line) {
        var row = document.createElement("div");
        row.textContent = line;
        overlays.appendChild(row);
      });
    }
    var shown = loadedVersion ? parseInt(loadedVersion.value, 10) : live.version;
    if (live.version !== shown) {
      if (formState() === pristine) {
        setField("title", live.title);
        setField("event_name", live.event_name);
        setField("tournament", live.tournament_id);
        editor.value = JSON.stringify(live.data_json, null, 2);
        editor.dispatchEvent(new Event("input", { bubbles: true }));
        loadedVersion.value = String(live.version);
        pristine = formState();
        notice.textContent = "";
      } else {
        notice.textContent = "Version " + live.version + " was saved elsewhere while you edit version " + shown +
          ": your save will be refused; copy your change and reload.";
      }
    }
    redraw();
  }

  function poll() {
    var url = config.liveUrl + (tournament ? "?tournament=" + encodeURIComponent(tournament.value) : "");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (live) {
        if (live) {
          follow(live);
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  // Take and Clear post their own forms (after this script in the page): unsaved edits of this
  // form are not what goes on air.
  document.addEventListener("submit", function (event) {
    var id = event.target.id;
    if ((id === "take-form" || id === "clear-form") && formState() !== pristine &&
        !window.confirm("This form has unsaved changes; " + (id === "take-form" ? "Take" : "Clear") +
                        " acts on the saved version and leaves this page. Continue?")) {
      event.preventDefault();
    }
  });

  editor.addEventListener("input", redraw);
  if (tournament) {
    tournament.addEventListener("change", function () {
      fetch(config.liveUrl + "?tournament=" + encodeURIComponent(tournament.value), { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (live) { standings = live.standings || []; redraw(); })
        .catch(function () {});
    });
  }
  window.addEventListener("resize", redraw);
  redraw();
  setTimeout(poll, POLL_MS);
})();
