"""The HTML viewer's stylesheet and script, inlined into every page (no network, ever).

The script reads the node facts from a JSON block, pans (drag) and zooms (wheel, buttons, keys
+ - 0) by changing the SVG's viewBox, and on a click fills the side panel with the node's facts
using `textContent` only, so no name from a graph is ever parsed as HTML. Clicking a node of the
optimized graph also outlines the before-graph nodes it came from. `#select=<key>` in the URL
selects a node when the page opens, so a link can point at one node.
"""

STYLE = """
html, body { margin: 0; height: 100%; font: 13px Helvetica, Arial, sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
#toolbar { display: flex; gap: 8px; align-items: center; padding: 6px 10px;
  border-bottom: 1px solid #ddd; background: #fafafa; }
#toolbar h1 { font-size: 14px; margin: 0 12px 0 0; font-weight: 600; }
#toolbar button { font: inherit; padding: 2px 9px; border: 1px solid #bbb; border-radius: 4px;
  background: white; cursor: pointer; }
#toolbar .hint { color: #777; margin-left: auto; }
#main { flex: 1; display: flex; min-height: 0; }
#viewport { flex: 1; overflow: hidden; cursor: grab; background: white; }
#viewport.dragging { cursor: grabbing; }
#viewport svg { width: 100%; height: 100%; display: block; user-select: none; }
#panel { width: 300px; border-left: 1px solid #ddd; padding: 10px 14px; overflow: auto;
  background: #fcfcfc; }
#panel h2 { font-size: 15px; margin: 4px 0 10px; word-break: break-all; }
#panel dl { margin: 0; }
#panel dt { color: #777; font-size: 11px; text-transform: uppercase; margin-top: 9px; }
#panel dd { margin: 2px 0 0; word-break: break-all; font-family: Menlo, Consolas, monospace;
  font-size: 12px; white-space: pre-wrap; }
g.node { cursor: pointer; }
g.node.selected polygon, g.node.selected ellipse, g.node.selected path {
  stroke: #d62728; stroke-width: 3px; }
g.node.origin polygon, g.node.origin ellipse, g.node.origin path {
  stroke: #9467bd; stroke-width: 3px; stroke-dasharray: 4 2; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graphlens-data").textContent);
  var viewport = document.getElementById("viewport");
  var svg = viewport.querySelector("svg");
  var full = svg.getAttribute("viewBox").split(/[ ,]+/).map(Number);
  var box = full.slice();
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");

  function show() { svg.setAttribute("viewBox", box.join(" ")); }
  function fit() { box = full.slice(); show(); }
  function zoom(factor, cx, cy) {
    // Keep the point under the cursor (cx, cy in viewBox units) where it is.
    if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
    var width = box[2] * factor, height = box[3] * factor;
    if (width < full[2] / 200 || width > full[2] * 20) { return; }
    box = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, width, height];
    show();
  }
  function toViewBox(event) {
    var rect = svg.getBoundingClientRect();
    var scale = Math.max(box[2] / rect.width, box[3] / rect.height);
    var x0 = box[0] + box[2] / 2 - rect.width * scale / 2;
    var y0 = box[1] + box[3] / 2 - rect.height * scale / 2;
    return [x0 + (event.clientX - rect.left) * scale, y0 + (event.clientY - rect.top) * scale,
            scale];
  }

  viewport.addEventListener("wheel", function (event) {
    event.preventDefault();
    var point = toViewBox(event);
    zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, point[0], point[1]);
  }, {passive: false});

  var drag = null, moved = false;
  viewport.addEventListener("mousedown", function (event) {
    drag = {x: event.clientX, y: event.clientY, box: box.slice(), scale: toViewBox(event)[2]};
    moved = false;
  });
  window.addEventListener("mousemove", function (event) {
    if (!drag) { return; }
    var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) { moved = true; viewport.classList.add("dragging"); }
    box = [drag.box[0] - dx * drag.scale, drag.box[1] - dy * drag.scale, box[2], box[3]];
    show();
  });
  window.addEventListener("mouseup", function () {
    drag = null; viewport.classList.remove("dragging");
  });

  function clearMarks() {
    var marked = svg.querySelectorAll("g.selected, g.origin");
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("selected", "origin"); }
  }
  function row(list, term, value) {
    if (value === undefined || value === null || value === "" ||
        (Array.isArray(value) && value.length === 0)) { return; }
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term;
    dd.textContent = Array.isArray(value) ? value.join("\n") : String(value);
    list.appendChild(dt); list.appendChild(dd);
  }
  function select(key) {
    var facts = data.nodes[key];
    var element = document.getElementById(key);
    if (!facts || !element) { return; }
    clearMarks();
    element.classList.add("selected");
    var referred = facts.refers_to && document.getElementById(facts.refers_to);
    if (referred) { referred.classList.add("origin"); }
    var sources = (facts.sources || []).map(function (source) {
      var origin = document.getElementById(source);
      if (origin) { origin.classList.add("origin"); }
      var known = data.nodes[source];
      return (known ? known.title : "?") + "  (" + source + ")";
    });
    document.getElementById("panel-title").textContent = facts.title;
    var list = document.getElementById("panel-body");
    list.textContent = "";
    row(list, "kind", facts.kind);
    row(list, "name", facts.name);
    row(list, "type", facts.dtype || facts.type);
    row(list, "shape", facts.shape);
    row(list, "value shape", facts.value_shape);
    row(list, "shapes do not fit", facts.shape_conflict);
    row(list, "built at", facts.source);
    row(list, "inside fused op", facts.fused_in);
    row(list, "drawn at", facts.refers_to);
    row(list, "made by rewrite", facts.rule &&
        (facts.rule + (facts.rule_location ? "  (" + facts.rule_location + ")" : "")));
    row(list, "rewrites in its ancestry", facts.rules);
    row(list, "replaced nodes", facts.replaced);
    row(list, "from before-graph nodes", sources);
    row(list, "node id", key);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#select=" + encodeURIComponent(key));
    }
  }
  svg.addEventListener("click", function (event) {
    if (moved) { return; }
    var target = event.target;
    while (target && target !== svg) {
      if (target.classList && target.classList.contains("node")) { select(target.id); return; }
      target = target.parentNode;
    }
  });

  document.getElementById("fit").addEventListener("click", fit);
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(1 / 1.4); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1.4); });
  window.addEventListener("keydown", function (event) {
    if (event.key === "+" || event.key === "=") { zoom(1 / 1.4); }
    else if (event.key === "-") { zoom(1.4); }
    else if (event.key === "0") { fit(); }
  });
  var match = /^#select=(.+)$/.exec(window.location.hash);
  if (match) { select(decodeURIComponent(match[1])); }
  window.graphlensViewer = {select: select, zoom: zoom, fit: fit,
                            viewBox: function () { return box.slice(); }};
})();
"""
