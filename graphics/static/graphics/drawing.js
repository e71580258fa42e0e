/*
 * GAL Dash drawing: how a graphic's canvas looks, shared by the overlay page (program and preview
 * outputs) and the admin's live preview, so every screen draws the same picture.
 *
 * GalDrawing.draw(stage, canvas, standings) replaces the stage's content in one step (the new
 * drawing is built off-page, then swapped in, so a frame never shows half of it) and sizes the
 * stage: the background's size, else 1920x1080. Answers {width, height}.
 *
 * As the editor's view mode: `text` at (x, y); `players`, `scores` (total points, or the `roundId`
 * column) and `placements` (1st, 2nd, ...) draw one row per standings entry, row i at
 * (x, y + i * spacing). Every entry is drawn unless the element sets `maxRows`; `previewCount` is
 * only the editor's count of sample rows. Drawn nodes carry data-element-id, data-element-type and
 * (rows) data-row; data-element-index is the element's place in `elements`.
 *
 * Written without build step or newer syntax (no `?.`, `??`) so older OBS browser sources run it.
 */
(function (root) {
  "use strict";

  var DEFAULT_WIDTH = 1920;
  var DEFAULT_HEIGHT = 1080;
  // The existing editor's defaults, used where an element leaves a font property out.
  var DEFAULTS = {
    text: { fontSize: 24, fontFamily: "Arial", color: "#000000" },
    players: { fontSize: 20, fontFamily: "Arial", color: "#FFFFFF" },
    scores: { fontSize: 24, fontFamily: "Arial", color: "#FFFFFF" },
    placements: { fontSize: 20, fontFamily: "Arial", color: "#FFD700" }
  };

  function number(value, fallback) {
    var parsed = typeof value === "number" ? value : parseFloat(value);
    return isFinite(parsed) ? parsed : fallback;
  }

  // A canvas from `data_json` as stored (an object) or as a string holding JSON.
  function canvasOf(data) {
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch (error) {
        data = null;
      }
    }
    return data && typeof data === "object" && !Array.isArray(data) ? data : {};
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

  function styled(element, index, className, text, x, y) {
    var defaults = DEFAULTS[element.type];
    var node = document.createElement("div");
    node.className = className;
    node.setAttribute("data-element-id", element.id == null ? "" : String(element.id));
    node.setAttribute("data-element-type", element.type);
    node.setAttribute("data-element-index", String(index));
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

  function drawElement(element, index, standings, into) {
    var x = number(element.x, 0);
    var y = number(element.y, 0);
    if (element.type === "text") {
      into.appendChild(styled(element, index, "text", element.content == null ? "" : String(element.content), x, y));
      return;
    }
    var spacing = number(element.spacing, 56);
    var maxRows = number(element.maxRows, 0);
    var rows = maxRows > 0 ? standings.slice(0, maxRows) : standings;
    rows.forEach(function (entry, row) {
      var node = styled(element, index, "row", rowText(element, entry || {}, row), x, y + row * spacing);
      node.setAttribute("data-row", String(row));
      into.appendChild(node);
    });
  }

  function draw(stage, canvas, standings) {
    canvas = canvasOf(canvas);
    standings = Array.isArray(standings) ? standings : [];
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
    (Array.isArray(canvas.elements) ? canvas.elements : []).forEach(function (element, index) {
      if (element && typeof element === "object" && DEFAULTS.hasOwnProperty(element.type)) {
        drawElement(element, index, standings, drawing);
      }
    });

    stage.textContent = "";
    stage.appendChild(drawing);
    stage.style.width = width + "px";
    stage.style.height = height + "px";
    return { width: width, height: height };
  }

  root.GalDrawing = { draw: draw, canvasOf: canvasOf, number: number };
})(window);
