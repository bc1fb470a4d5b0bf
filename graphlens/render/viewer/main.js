// main.js: wiring: clicks on the picture, toolbar buttons, keyboard shortcuts, the help card.

var KEYS = [
  ["/", "search (Enter: next match, Shift+Enter: previous, Esc: clear)"],
  ["n  N", "next / previous match"],
  ["drag, one finger", "pan"],
  ["wheel, pinch, + -", "zoom"],
  ["arrow keys", "pan"],
  ["0", "fit the whole picture"],
  ["click", "a node or a box: its facts in the panel"],
  ["double-click, Enter", "fold or unfold the box (name scope, fused op); on a tag: go there"],
  ["c  e", "fold everything / unfold everything"],
  ["Backspace", "fold the box around the selected node"],
  ["g", "go to the selected node (centre it)"],
  ["p", "show or hide the panel"],
  ["m", "show or hide the minimap"],
  ["d", "switch light / dark (the system's choice at first)"],
  ["?", "this card"]
];

function keyOfTarget(target) {
  // The node, folded box or box under a click: its key, or null.
  while (target && target !== svg && target.classList) {
    if (target.classList.contains("node")) {
      return target.id.slice(-5) === "_fold" ? target.id.slice(0, -5) : target.id;
    }
    if (target.classList.contains("cluster") && data.clusters[target.id]) { return target.id; }
    target = target.parentNode;
  }
  return null;
}

viewport.addEventListener("click", function (event) {
  if (moved || !svg.contains(event.target)) { return; }
  var key = keyOfTarget(event.target);
  if (key) { select(key); } else { unselect(); }
});
viewport.addEventListener("dblclick", function (event) {
  if (!svg.contains(event.target)) { return; }
  var key = keyOfTarget(event.target);
  if (key && isFoldable(key)) { event.preventDefault(); toggleFold(key); }
  else if (key && data.nodes[key] && data.nodes[key].refers_to) {
    jumpTo(data.nodes[key].refers_to);        // a reference tag: go to what it stands for
  } else if (key && data.nodes[key] && data.nodes[key].kind === "fold") {
    event.preventDefault(); explainServerFold(key);
  }
});

function enclosingFoldable(key) {
  var facts = data.nodes[key];
  var chain = ancestors(facts ? facts.cluster : data.clusters[key].parent);
  for (var i = 0; i < chain.length; i++) { if (isFoldable(chain[i])) { return chain[i]; } }
  return null;
}

function showHelp(show) {
  var overlay = document.getElementById("help-overlay");
  overlay.hidden = !show;
}

function drawHelp() {
  var list = document.getElementById("help-keys");
  KEYS.forEach(function (entry) {
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = entry[0]; dd.textContent = entry[1];
    list.appendChild(dt); list.appendChild(dd);
  });
}

window.addEventListener("keydown", function (event) {
  if (event.ctrlKey || event.metaKey || event.altKey) { return; }
  if (event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName)) { return; }
  var help = document.getElementById("help-overlay");
  if (!help.hidden) { showHelp(false); event.preventDefault(); return; }
  var pan = box[2] / 8, handled = true;
  switch (event.key) {
    case "/": focusSearch(); break;
    case "n": step(1); break;
    case "N": step(-1); break;
    case "+": case "=": zoom(1 / 1.4); break;
    case "-": zoom(1.4); break;
    case "0": fit(); break;
    case "ArrowLeft": panBy(-pan, 0); break;
    case "ArrowRight": panBy(pan, 0); break;
    case "ArrowUp": panBy(0, -pan); break;
    case "ArrowDown": panBy(0, pan); break;
    case "Enter":
      if (selected && isFoldable(selected)) { toggleFold(selected); } else { handled = false; }
      break;
    case "Backspace":
      var around = selected && enclosingFoldable(selected);
      if (around && !folded.has(around)) { toggleFold(around); } else { handled = false; }
      break;
    case "c": foldAll(); break;
    case "e": unfoldAll(); break;
    case "g": if (selected) { jumpTo(selected); } break;
    case "p": togglePanel(); break;
    case "m": toggleMinimap(); break;
    case "d": switchTheme(); break;
    case "?": showHelp(true); break;
    case "Escape": unselect(); break;
    default: handled = false;
  }
  if (handled) { event.preventDefault(); }
});
document.getElementById("help-overlay").addEventListener("click", function () { showHelp(false); });
document.getElementById("help").addEventListener("click", function () { showHelp(true); });
document.getElementById("fit").addEventListener("click", fit);
document.getElementById("zoom-in").addEventListener("click", function () { zoom(1 / 1.4); });
document.getElementById("zoom-out").addEventListener("click", function () { zoom(1.4); });
document.getElementById("fold-all").addEventListener("click", function () { foldAll(); });
document.getElementById("unfold-all").addEventListener("click", function () { unfoldAll(); });
document.getElementById("theme").addEventListener("click", switchTheme);
document.getElementById("toggle-panel").addEventListener("click", function () { togglePanel(); });

if (!Object.keys(data.dot.folds).length || !document.getElementById("graphlens-wasm")) {
  document.getElementById("fold-all").hidden = true;
  document.getElementById("unfold-all").hidden = true;
}
// A narrow window (a phone, a notebook cell) starts with the picture alone.
if (window.innerWidth < 720) { togglePanel(false); }
drawHelp();
drawLegend();
drawMarks();
adopt(viewport.querySelector("svg"));
applyTheme();
var hashMatch = /^#select=(.+)$/.exec(window.location.hash);
if (hashMatch) { jumpTo(decodeURIComponent(hashMatch[1])); }

// For tests and for scripting the page from a console.
window.graphlensViewer = {
  select: select, jumpTo: jumpTo, zoom: zoom, fit: fit, search: function (query) {
    searchInput.value = query; runSearch(); if (matches.length) { step(1); }
    return matches.slice();
  }, next: function () { step(1); }, toggleFold: toggleFold, foldAll: foldAll,
  unfoldAll: unfoldAll, assembleDot: function (keys) { return assembleDot(new Set(keys || [])); },
  viewBox: function () { return box.slice(); }, visible: visible, isDark: isDark,
  folded: function () { return Array.from(folded); }, togglePanel: togglePanel,
  toggleMinimap: toggleMinimap, layoutDone: function () { return layoutQueue; }
};
