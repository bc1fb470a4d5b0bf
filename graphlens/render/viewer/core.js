// core.js: the picture, and moving around it (pan, zoom, pinch, centring on a node).
//
// The SVG keeps Graphviz's coordinates; the view is its viewBox. `box` is the viewBox asked
// for, `visible()` what actually shows (preserveAspectRatio "meet" widens one side).
// Other files listen for "adopted" (a new picture, after a fold) and "changed" (the view moved).
//
// A new viewBox repaints the whole picture, which for a big graph takes longer than a frame.
// So while a finger, the mouse or the wheel moves the view, `preview` only shifts and scales
// the picture already painted (a CSS transform, done by the compositor) and `settle` sets the
// viewBox once the gesture ends.

var data = JSON.parse(document.getElementById("graphlens-data").textContent);
var viewport = document.getElementById("viewport");
var svg = null, full = null, box = null;
var listeners = {adopted: [], changed: []};

function on(name, callback) { listeners[name].push(callback); }
function emit(name) {
  for (var i = 0; i < listeners[name].length; i++) { listeners[name][i](); }
}

function adopt(element) {
  // Take a Graphviz <svg> as the picture: it fills the viewport, the viewBox is the view.
  svg = element;
  full = svg.getAttribute("viewBox").split(/[ ,]+/).map(Number);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  box = full.slice();
  emit("adopted");
  show();
}

var drawnBox = null, previewing = false, settleTimer = null;

function show() {
  // Draw the view now: set the viewBox (and drop any preview transform).
  clearTimeout(settleTimer);
  previewing = false;
  svg.style.transform = "";
  svg.setAttribute("viewBox", box.join(" "));
  drawnBox = box.slice();
  emit("changed");
}

function preview() {
  // Move the painted picture to where `box` would draw it; settle() draws it properly.
  if (!drawnBox) { show(); return; }
  var rect = viewport.getBoundingClientRect();
  var was = visibleOf(drawnBox, rect), now = visibleOf(box, rect);
  var scale = was[2] / now[2];
  var dx = (was[0] - now[0]) * rect.width / now[2], dy = (was[1] - now[1]) * rect.height / now[3];
  svg.style.transform = "translate(" + dx + "px," + dy + "px) scale(" + scale + ")";
  previewing = true;
  emit("changed");
}

function settle() { if (previewing) { show(); } }

function settleSoon() {
  clearTimeout(settleTimer);
  settleTimer = setTimeout(settle, 150);
}

function fit() { box = full.slice(); show(); }

function scaleOf(rect) {
  // SVG units per screen pixel.
  return Math.max(box[2] / rect.width, box[3] / rect.height);
}

function visibleOf(view, rect) {
  var scale = Math.max(view[2] / rect.width, view[3] / rect.height);
  return [view[0] + view[2] / 2 - rect.width * scale / 2,
          view[1] + view[3] / 2 - rect.height * scale / 2, rect.width * scale, rect.height * scale];
}

function visible() {
  // [x, y, width, height] of the part of the picture on screen, in SVG units. (The SVG fills
  // the viewport; the viewport's rectangle is not moved by a preview.)
  return visibleOf(box, viewport.getBoundingClientRect());
}

function toViewBox(clientX, clientY) {
  var rect = viewport.getBoundingClientRect(), seen = visible();
  var scale = scaleOf(rect);
  return [seen[0] + (clientX - rect.left) * scale, seen[1] + (clientY - rect.top) * scale];
}

function zoom(factor, cx, cy, live) {
  // Keep the point (cx, cy), in SVG units, where it is on screen.
  if (cx === undefined) { cx = box[0] + box[2] / 2; cy = box[1] + box[3] / 2; }
  var width = box[2] * factor, height = box[3] * factor;
  var largest = Math.max(full[2], full[3]);
  if (factor < 1 && width < Math.min(full[2], 60)) { return; }
  if (factor > 1 && width > largest * 20) { return; }
  box = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor, width, height];
  if (live) { preview(); } else { show(); }
}

function panBy(dx, dy) {
  // Arrow keys repeat fast: move the painted picture, draw anew when they stop.
  box = [box[0] + dx, box[1] + dy, box[2], box[3]];
  preview();
  settleSoon();
}

function centreAt(x, y, live) {
  box = [x - box[2] / 2, y - box[3] / 2, box[2], box[3]];
  if (live) { preview(); } else { show(); }
}

function boxOf(element) {
  // The element's bounding box in SVG (viewBox) units, whatever transforms Graphviz added.
  settle();
  var inner = element.getBBox();
  var matrix = svg.getScreenCTM().inverse().multiply(element.getScreenCTM());
  var xs = [], ys = [];
  [[inner.x, inner.y], [inner.x + inner.width, inner.y],
   [inner.x, inner.y + inner.height], [inner.x + inner.width, inner.y + inner.height]]
    .forEach(function (corner) {
      var point = svg.createSVGPoint();
      point.x = corner[0]; point.y = corner[1];
      point = point.matrixTransform(matrix);
      xs.push(point.x); ys.push(point.y);
    });
  var x0 = Math.min.apply(null, xs), y0 = Math.min.apply(null, ys);
  return [x0, y0, Math.max.apply(null, xs) - x0, Math.max.apply(null, ys) - y0];
}

function union(boxes) {
  var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  boxes.forEach(function (b) {
    x0 = Math.min(x0, b[0]); y0 = Math.min(y0, b[1]);
    x1 = Math.max(x1, b[0] + b[2]); y1 = Math.max(y1, b[1] + b[3]);
  });
  return [x0, y0, x1 - x0, y1 - y0];
}

function showBoxes(boxes, always) {
  // Bring `boxes` into view: centred, at a readable zoom (about one SVG unit per pixel) unless
  // they need more room. With `always` false, a view that already shows them all stays put.
  if (!boxes.length) { return; }
  var target = union(boxes), seen = visible();
  var inside = target[0] >= seen[0] && target[1] >= seen[1] &&
      target[0] + target[2] <= seen[0] + seen[2] && target[1] + target[3] <= seen[1] + seen[3];
  if (inside && !always) { return; }
  var rect = viewport.getBoundingClientRect();
  var readable = Math.min(scaleOf(rect), 1.25);
  var needed = Math.max(target[2] * 1.3 / rect.width, target[3] * 1.3 / rect.height);
  var scale = Math.max(readable, needed);
  box = [target[0] + target[2] / 2 - rect.width * scale / 2,
         target[1] + target[3] / 2 - rect.height * scale / 2,
         rect.width * scale, rect.height * scale];
  show();
}

function element(key) {
  var found = document.getElementById(key);
  return found && svg.contains(found) ? found : null;
}

// Pointers: one drags the picture, two pinch-zoom it (mouse, pen and touch alike).
var pointers = {}, gesture = null, moved = false;

function pointerList() { return Object.keys(pointers).map(function (id) { return pointers[id]; }); }

function startGesture() {
  var list = pointerList();
  moved = moved && list.length > 0;
  if (list.length === 1) {
    gesture = {kind: "pan", x: list[0].x, y: list[0].y, box: box.slice(),
               scale: scaleOf(viewport.getBoundingClientRect())};
  } else if (list.length === 2) {
    var mid = [(list[0].x + list[1].x) / 2, (list[0].y + list[1].y) / 2];
    gesture = {kind: "pinch", distance: Math.hypot(list[0].x - list[1].x,
                                                   list[0].y - list[1].y) || 1,
               anchor: toViewBox(mid[0], mid[1]), box: box.slice()};
  } else {
    gesture = null;
  }
}

viewport.addEventListener("pointerdown", function (event) {
  if (event.target.closest && event.target.closest("#minimap")) { return; }
  if (event.button !== undefined && event.button > 0) { return; }
  pointers[event.pointerId] = {x: event.clientX, y: event.clientY};
  if (Object.keys(pointers).length === 1) { moved = false; }
  startGesture();
});
window.addEventListener("pointermove", function (event) {
  if (!pointers[event.pointerId] || !gesture) { return; }
  pointers[event.pointerId] = {x: event.clientX, y: event.clientY};
  var list = pointerList();
  if (gesture.kind === "pan") {
    var dx = list[0].x - gesture.x, dy = list[0].y - gesture.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) { moved = true; viewport.classList.add("dragging"); }
    if (moved) {
      box = [gesture.box[0] - dx * gesture.scale, gesture.box[1] - dy * gesture.scale,
             box[2], box[3]];
      preview();
    }
  } else if (gesture.kind === "pinch" && list.length === 2) {
    moved = true;
    var distance = Math.hypot(list[0].x - list[1].x, list[0].y - list[1].y) || 1;
    var factor = gesture.distance / distance;
    var mid = [(list[0].x + list[1].x) / 2, (list[0].y + list[1].y) / 2];
    // Zoom about the first midpoint, then let the midpoint's movement pan.
    box = gesture.box.slice();
    var width = box[2] * factor, height = box[3] * factor;
    var a = gesture.anchor;
    box = [a[0] - (a[0] - box[0]) * factor, a[1] - (a[1] - box[1]) * factor, width, height];
    var now = toViewBox(mid[0], mid[1]);
    box[0] += a[0] - now[0]; box[1] += a[1] - now[1];
    preview();
  }
});
function pointerEnd(event) {
  if (!pointers[event.pointerId]) { return; }
  delete pointers[event.pointerId];
  viewport.classList.remove("dragging");
  startGesture();
  if (!gesture) { settle(); }
}
window.addEventListener("pointerup", pointerEnd);
window.addEventListener("pointercancel", pointerEnd);

viewport.addEventListener("wheel", function (event) {
  if (event.target.closest && event.target.closest("#minimap")) { return; }
  event.preventDefault();
  var point = toViewBox(event.clientX, event.clientY);
  // Trackpads send many small deltas (ctrlKey set for a pinch): zoom by how far they moved.
  var step = Math.max(-1, Math.min(1, event.deltaY / (event.deltaMode ? 3 : 100)));
  zoom(Math.pow(1.2, step), point[0], point[1], true);
  settleSoon();
}, {passive: false});
