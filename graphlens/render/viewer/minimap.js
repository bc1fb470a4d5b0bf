// minimap.js: the whole picture small, with a frame around the part on screen.
//
// The picture is copied into an <img> (an SVG data URI, allowed by the page's policy), so
// the minimap costs one image however big the graph. Click or drag in it to move the view;
// `m` hides it.

var minimap = document.getElementById("minimap");
var minimapImage = document.getElementById("minimap-image");
var minimapView = document.getElementById("minimap-view");
var MINIMAP_SIZE = 170;
var minimapScale = 1;

function drawMinimap() {
  var copy = svg.cloneNode(true);
  copy.setAttribute("viewBox", full.join(" "));
  // At most a quarter of a small viewport: on a phone the picture comes first.
  var room = Math.min(MINIMAP_SIZE, viewport.clientWidth / 4, viewport.clientHeight / 4);
  var scale = Math.max(room, 40) / Math.max(full[2], full[3]);
  var width = Math.max(24, Math.round(full[2] * scale));
  var height = Math.max(24, Math.round(full[3] * scale));
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height));
  copy.removeAttribute("class");
  // Tooltips are of no use to a picture this small, and the viewer's marks (classes) do not
  // show in an image: without them, one picture always gives one image.
  var titles = copy.querySelectorAll("title");
  for (var i = 0; i < titles.length; i++) { titles[i].remove(); }
  var classed = copy.querySelectorAll("[class]");
  for (var j = 0; j < classed.length; j++) { classed[j].removeAttribute("class"); }
  var text = new XMLSerializer().serializeToString(copy);
  minimapImage.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  minimapImage.width = width;
  minimapImage.height = height;
  minimap.style.width = width + "px";
  minimap.style.height = height + "px";
  minimapScale = width / full[2];
  frameMinimap();
}

function frameMinimap() {
  var seen = visible();
  var x0 = Math.max(0, (seen[0] - full[0]) * minimapScale);
  var y0 = Math.max(0, (seen[1] - full[1]) * minimapScale);
  var x1 = Math.min(minimap.clientWidth, (seen[0] + seen[2] - full[0]) * minimapScale);
  var y1 = Math.min(minimap.clientHeight, (seen[1] + seen[3] - full[1]) * minimapScale);
  minimapView.style.left = x0 + "px";
  minimapView.style.top = y0 + "px";
  minimapView.style.width = Math.max(2, x1 - x0) + "px";
  minimapView.style.height = Math.max(2, y1 - y0) + "px";
}

function minimapMoveTo(event, live) {
  var rect = minimap.getBoundingClientRect();
  centreAt(full[0] + (event.clientX - rect.left) / minimapScale,
           full[1] + (event.clientY - rect.top) / minimapScale, live);
}

var minimapDragging = false;
minimap.addEventListener("pointerdown", function (event) {
  event.preventDefault();
  event.stopPropagation();
  minimapDragging = true;
  if (minimap.setPointerCapture) {
    try { minimap.setPointerCapture(event.pointerId); } catch (ignored) { /* synthetic */ }
  }
  minimapMoveTo(event);
});
minimap.addEventListener("pointermove", function (event) {
  if (minimapDragging) { minimapMoveTo(event, true); }
});
minimap.addEventListener("pointerup", function () { minimapDragging = false; settle(); });
minimap.addEventListener("pointercancel", function () { minimapDragging = false; settle(); });

function toggleMinimap() {
  minimap.hidden = !minimap.hidden;
  if (!minimap.hidden) { frameMinimap(); }
}

on("adopted", drawMinimap);
on("changed", frameMinimap);
listeners.themed.push(drawMinimap);
window.addEventListener("resize", function () { show(); });
